import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  DataSource,
  FeatureRepo,
  FeatureService,
  FeatureStoreConfig,
  FeatureView,
  Entity,
  OnDemandFeatureView,
  StreamFeatureView,
} from '@payments-mlops/contracts';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { z } from 'zod';
import { DefinitionError, type DefinitionProblem } from './definition-error.js';
import { validateRepo, type DefinitionLocations } from './validate-repo.js';

export const CONFIG_FILE = 'feature_store.yaml';

/** Any definition file holds any of these lists; `feature_store.yaml` holds the project's configuration. */
const DefinitionsFile = z.strictObject({
  entities: z.array(Entity).optional(),
  data_sources: z.array(DataSource).optional(),
  feature_views: z.array(FeatureView).optional(),
  stream_feature_views: z.array(StreamFeatureView).optional(),
  on_demand_feature_views: z.array(OnDemandFeatureView).optional(),
  feature_services: z.array(FeatureService).optional(),
});
type DefinitionsFile = z.infer<typeof DefinitionsFile>;
const LISTS = Object.keys(DefinitionsFile.shape) as (keyof DefinitionsFile)[];

export interface LoadedRepo {
  repo: FeatureRepo;
  /** Where each definition was declared, so later checks can point at the file. */
  locations: DefinitionLocations;
}

/**
 * Reads a feature repository: `feature_store.yaml` and every other `*.yaml` below the directory,
 * in path order. Validates each file against the contracts, then the definitions together
 * (references resolve, names are unique, windows and types make sense), and throws one
 * DefinitionError naming the file, line and field of every problem.
 */
export async function loadFeatureRepo(directory: string): Promise<LoadedRepo> {
  const files = await listYamlFiles(directory);
  if (!files.includes(CONFIG_FILE)) {
    throw new DefinitionError([{ file: CONFIG_FILE, field: '', message: `is missing from ${directory}` }]);
  }
  const sources = await Promise.all(files.map(async (file) => ({ file, text: await readFile(path.join(directory, file), 'utf8') })));
  return parseFeatureRepo(sources);
}

/** The same as loadFeatureRepo, from file contents: `[{file: 'feature_store.yaml', text}, …]`. */
export function parseFeatureRepo(sources: readonly { file: string; text: string }[]): LoadedRepo {
  const problems: DefinitionProblem[] = [];
  const lists: Required<DefinitionsFile> = {
    entities: [], data_sources: [], feature_views: [], stream_feature_views: [], on_demand_feature_views: [], feature_services: [],
  };
  const locations: DefinitionLocations = new Map();
  let config: FeatureStoreConfig | undefined;

  for (const { file, text } of sources) {
    const lineCounter = new LineCounter();
    const document = parseDocument(text, { lineCounter, prettyErrors: false });
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        problems.push({ file, line: error.linePos?.[0].line, field: '', message: `is not valid YAML: ${error.message.split('\n')[0]}` });
      }
      continue;
    }
    const lineOf = (fieldPath: readonly PropertyKey[]) => lineAt(document, lineCounter, fieldPath);
    const content: unknown = document.toJS() ?? {};
    if (file === CONFIG_FILE) {
      const parsed = FeatureStoreConfig.safeParse(content);
      if (parsed.success) config = parsed.data;
      else problems.push(...issuesToProblems(parsed.error, file, lineOf));
      continue;
    }
    const parsed = DefinitionsFile.safeParse(content);
    if (!parsed.success) {
      problems.push(...issuesToProblems(parsed.error, file, lineOf));
      continue;
    }
    for (const list of LISTS) {
      (parsed.data[list] ?? []).forEach((definition, index) => {
        (lists[list] as unknown[]).push(definition);
        locations.set(`${list}/${definition.name}`, { file, field: `${list}.${index}`, line: lineOf([list, index]) });
      });
    }
  }
  if (problems.length > 0) throw new DefinitionError(problems);
  if (config === undefined) throw new DefinitionError([{ file: CONFIG_FILE, field: '', message: 'is missing' }]);

  const repo = FeatureRepo.parse({ config, ...lists });
  validateRepo(repo, locations);
  return { repo, locations };
}

async function listYamlFiles(directory: string, prefix = ''): Promise<string[]> {
  const entries = await readdir(path.join(directory, prefix), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...(await listYamlFiles(directory, relative)));
    else if (/\.ya?ml$/.test(entry.name)) files.push(relative);
  }
  return files;
}

function issuesToProblems(error: z.ZodError, file: string, lineOf: (path: readonly PropertyKey[]) => number | undefined): DefinitionProblem[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => {
        const fieldPath = [...issue.path, key];
        return { file, line: lineOf(fieldPath), field: fieldPath.map(String).join('.'), message: 'is not a known field' };
      });
    }
    return [{ file, line: lineOf(issue.path), field: issue.path.map(String).join('.'), message: issue.message }];
  });
}

/** The line of the deepest node on `fieldPath` that exists (a missing field points at its parent). */
function lineAt(document: Document, lineCounter: LineCounter, fieldPath: readonly PropertyKey[]): number | undefined {
  for (let depth = fieldPath.length; depth >= 0; depth--) {
    const node: unknown = depth === 0 ? document.contents : document.getIn(fieldPath.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}
