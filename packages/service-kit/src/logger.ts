import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.js';
import { createPrettyStream } from './pretty-stream.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  service: string;
  level?: LogLevel;
  /** Where JSON lines go; stdout by default. Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
  /** Human-readable lines instead of JSON; defaults to whether stdout is a terminal. */
  pretty?: boolean;
}

/**
 * Secrets never reach the logs: credentials in headers, and any field named like a password,
 * token or secret key at the top level or one level down (pino's redaction matches exact paths).
 */
const SECRET_FIELDS = [
  'password',
  'passwd',
  'token',
  'access_token',
  'refresh_token',
  'api_key',
  'apiKey',
  'secret',
  'client_secret',
  'secretAccessKey',
  'secret_access_key',
  'AWS_SECRET_ACCESS_KEY',
];
export const REDACTED_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((field) => `*.${field}`),
];

/** The process logger: JSON to stdout (one object per line), tagged with the service name. */
export function createLogger({
  service,
  level = 'info',
  destination,
  pretty,
}: LoggerOptions): Logger {
  const options = {
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    // Level names ("info") rather than numbers read better in every log UI.
    formatters: { level: (label: string) => ({ level: label }) },
  };
  const usePretty = pretty ?? (destination === undefined && process.stdout.isTTY === true);
  if (usePretty) return pino(options, createPrettyStream(destination ?? process.stdout));
  // Synchronous writes to stdout, as Node's own console does on pipes: with pino's default
  // asynchronous writer, a process that exits while a write is in flight has its last lines
  // flushed past that write, so a shutdown's log could arrive out of order.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: true }));
}
