import { basename } from './artifact-path.js';

/*
 * The Content-Type an artifact is served with, chosen as MLflow's server chooses it: its text
 * formats (configs, logs, JSON, YAML, CSV, MLmodel...) as text/plain so the UI can preview them,
 * a few well-known binary types by extension, and application/octet-stream otherwise.
 */

const TEXT_EXTENSIONS = new Set([
  'txt', 'log', 'err', 'cfg', 'conf', 'cnf', 'cf', 'ini', 'properties', 'prop', 'hocon', 'toml', 'yaml', 'yml',
  'xml', 'json', 'js', 'py', 'py3', 'csv', 'tsv', 'md', 'rst', 'MLmodel', 'mlproject',
]);

const BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  html: 'text/html',
  htm: 'text/html',
  pdf: 'application/pdf',
  gz: 'application/gzip',
  zip: 'application/zip',
  parquet: 'application/vnd.apache.parquet',
};

export function contentTypeOf(path: string): string {
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  const extension = dot <= 0 ? name : name.slice(dot + 1);
  if (TEXT_EXTENSIONS.has(extension)) return 'text/plain';
  return BY_EXTENSION[extension.toLowerCase()] ?? 'application/octet-stream';
}
