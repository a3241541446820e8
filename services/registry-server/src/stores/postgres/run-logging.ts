import { MlflowError } from '@payments-mlops/contracts';
import { pgErrorCode, type Queryable } from './db.js';

/*
 * Logging metrics, params and tags to a run in one transaction and one round trip, through the
 * log_run_batch function (migration 004). Concurrent batches to the same run cannot deadlock:
 * every transaction takes its row locks in one global order (params, then metric history, then
 * latest metrics, then tags, then the run row, each sorted by key), so no two transactions ever
 * wait for each other in a cycle. The metric history is insert-only; the latest value of each key
 * is an upsert that only moves forward (step, then timestamp, then value).
 */

export interface LoggedMetric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface RunBatch {
  metrics: readonly LoggedMetric[];
  params: readonly { key: string; value: string }[];
  tags: readonly { key: string; value: string }[];
}

export const RUN_NAME_TAG = 'mlflow.runName';

/** Orders doubles as Postgres does: NaN above every number, so JS and SQL agree on "latest". */
function compareValues(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) === Number.isNaN(b) ? 0 : Number.isNaN(a) ? 1 : -1;
  return a === b ? 0 : a < b ? -1 : 1;
}

function compareMetrics(a: LoggedMetric, b: LoggedMetric): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : a.step - b.step || a.timestamp - b.timestamp || compareValues(a.value, b.value);
}

/** The SQLSTATEs log_run_batch (migration 004) raises, and what they mean to MLflow's clients. */
const LOG_BATCH_ERRORS: Readonly<Record<string, (message: string, detail: string | undefined, runId: string) => MlflowError>> = {
  RG404: (message) => MlflowError.notFound(message),
  RG400: (message) => MlflowError.invalidParameter(message),
  RG409: (_message, detail, runId) =>
    MlflowError.invalidParameter(`Changing param values is not allowed. Params were already logged='${detail ?? ''}' for run ID='${runId}'.`),
};

const LOG_RUN_BATCH = { name: 'log_run_batch', text: 'SELECT log_run_batch($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)' };

/** Logs a batch to a run in one round trip and one transaction (see migration 004 for the lock order). */
export async function logRunBatch(db: Queryable, runId: string, batch: RunBatch): Promise<void> {
  const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const params = [...batch.params].sort(byKey);
  const metrics = [...batch.metrics].sort(compareMetrics);
  // A key given twice in one batch keeps its last value, as MLflow's set_tags does.
  const tagValues = new Map(batch.tags.map((tag) => [tag.key, tag.value]));
  const tagKeys = [...tagValues.keys()].sort();
  try {
    await db.query(LOG_RUN_BATCH, [
      runId,
      params.map((p) => p.key),
      params.map((p) => p.value),
      metrics.map((m) => m.key),
      metrics.map((m) => m.step),
      metrics.map((m) => m.timestamp),
      metrics.map((m) => m.value),
      tagKeys,
      tagKeys.map((key) => tagValues.get(key)),
      tagValues.get(RUN_NAME_TAG) ?? null,
    ]);
  } catch (error) {
    const code = pgErrorCode(error);
    const translate = code === undefined ? undefined : LOG_BATCH_ERRORS[code];
    if (translate === undefined) throw error;
    const { message, detail } = error as { message: string; detail?: string };
    throw translate(message, detail, runId);
  }
}
