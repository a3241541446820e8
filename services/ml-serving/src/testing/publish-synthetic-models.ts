/**
 * Registers a synthetic model version for every task (trained by packages/boosting on random rows
 * shaped like each feature service) and points `champion` at it: for benchmarks and for trying
 * ml-serving before the trainer has run. Prints what it registered as one JSON line.
 *
 *   MLFLOW_TRACKING_URI=… MLFLOW_TRACKING_TOKEN=… WAREHOUSE_DATABASE_URL=… FEATURE_REGISTRY_SCHEMA=… \
 *     tsx publish-synthetic-models.ts --trees 200 --extra-fraud-versions 3 --out <dir>
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MODEL_CLASSES, MODEL_TASKS, type ModelTask } from '@payments-mlops/contracts';
import { PostgresRegistryStore, RegistryCache } from '@payments-mlops/feature-store';
import { registryClientFromEnv } from '@payments-mlops/registry-client';
import pg from 'pg';
import { publishModel } from './model-fixture.js';

const { values } = parseArgs({
  options: {
    trees: { type: 'string', default: '200' },
    leaves: { type: 'string', default: '31' },
    rows: { type: 'string', default: '20000' },
    'extra-fraud-versions': { type: 'string', default: '0' },
    out: { type: 'string' },
  },
});
const pool = new pg.Pool({ connectionString: process.env.WAREHOUSE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/payments', max: 2 });
const definitions = new RegistryCache({ store: new PostgresRegistryStore({ pool, schema: process.env.FEATURE_REGISTRY_SCHEMA ?? 'feature_store' }), project: process.env.FEATURE_PROJECT ?? 'payments_mlops' });
const catalog = await definitions.start();
definitions.stop();
if (catalog === undefined) throw new Error('no feature definitions: run make features-apply');
const client = registryClientFromEnv();
// --trees counts trees, so a multiclass model of K classes gets trees / K rounds (K trees each).
const optionsFor = (task: ModelTask) => ({ numTrees: Math.ceil(Number(values.trees) / (MODEL_CLASSES[task].length === 2 ? 1 : MODEL_CLASSES[task].length)), numLeaves: Number(values.leaves), rows: Number(values.rows) });

const published: Record<string, { version: string; signature: string }[]> = {};
const record = async (task: ModelTask, version: string, signature: unknown) => {
  let file = '';
  if (values.out !== undefined) {
    await mkdir(values.out, { recursive: true });
    file = path.join(values.out, `${task}-${version}.signature.json`);
    await writeFile(file, JSON.stringify(signature));
  }
  (published[task] ??= []).push({ version, signature: file });
};
for (const task of MODEL_TASKS) {
  const { version, signature } = await publishModel(client, catalog, task, { ...optionsFor(task), seed: 1 });
  await record(task, version, signature);
}
for (let extra = 0; extra < Number(values['extra-fraud-versions']); extra++) {
  const { version, signature } = await publishModel(client, catalog, 'fraud', { ...optionsFor('fraud'), seed: 2 + extra, aliases: [] });
  await record('fraud', version, signature);
}
await pool.end();
process.stdout.write(`${JSON.stringify(published)}\n`);
