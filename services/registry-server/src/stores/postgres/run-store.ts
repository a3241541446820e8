import { randomUUID } from 'node:crypto';
import { MlflowError, REGISTRY_LIMITS, doubleToWire, type OperationRequest, type OperationResponse } from '@payments-mlops/contracts';
import { decodePageToken, nextPageToken, pageSize, pagedResponse } from '../../domain/page-token.js';
import { generateRunName } from '../../domain/run-names.js';
import { lifecycleStagesOf } from '../../domain/view-type.js';
import { parseRunFilter, parseRunOrderBy } from '../../domain/run-search.js';
import {
  validateBatchLimits,
  validateDatasetInputs,
  validateMetric,
  validateParam,
  validateRunId,
  validateRunTag,
  validateUniqueParamKeys,
} from '../../domain/validation.js';
import type { StoreContext } from './context.js';
import { readExperiment } from './experiment-store.js';
import { logRunBatch, RUN_NAME_TAG, type LoggedMetric } from './run-logging.js';
import { lockActiveRun, readRun, readRunInfo, readRuns } from './run-reader.js';
import { compileRunSearch } from './run-search-sql.js';

/* Runs on Postgres: MLflow's run operations, from creation to search. */

const LOGGED_MODELS_TAG = 'mlflow.log-model.history';

// One statement, one round trip: the run goes in only if its experiment exists and is active,
// its artifacts under the experiment's location, with its tags.
const CREATE_RUN = {
  name: 'create_run',
  text: `WITH experiment AS (
           SELECT experiment_id, artifact_location FROM experiments WHERE experiment_id = $1 AND lifecycle_stage = 'active'),
         run AS (
           INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, lifecycle_stage, artifact_uri)
           SELECT $2, experiment_id, $3, $4, 'RUNNING', $5, 'active',
                  CASE WHEN right(artifact_location, 1) = '/' THEN artifact_location ELSE artifact_location || '/' END || $2 || '/artifacts'
           FROM experiment
           RETURNING run_uuid, artifact_uri),
         tags AS (
           INSERT INTO run_tags (run_uuid, key, value) SELECT run.run_uuid, k, v FROM run, unnest($6::text[], $7::text[]) AS u(k, v))
       SELECT artifact_uri FROM run`,
};

function runIdOf(request: { run_id?: string | undefined; run_uuid?: string | undefined }): string {
  const runId = request.run_id || request.run_uuid;
  if (!runId) throw MlflowError.invalidParameter("Missing value for required parameter 'run_id'. See the API docs for more information about request parameters.");
  return runId;
}

export function createRunStore({ db, now }: StoreContext) {
  async function logBatch(runId: string, metrics: LoggedMetric[], params: { key: string; value: string }[], tags: { key: string; value: string }[], path: (kind: string, index: number) => string) {
    validateRunId(runId);
    metrics.forEach((metric, index) => validateMetric(metric, path('metrics', index)));
    params.forEach((param, index) => validateParam(param, path('params', index)));
    tags.forEach((tag, index) => validateRunTag(tag, path('tags', index)));
    validateBatchLimits(metrics.length, params.length, tags.length);
    validateUniqueParamKeys(params);
    await logRunBatch(db, runId, { metrics, params, tags });
  }
  const single = () => '';
  const indexed = (kind: string, index: number) => `${kind}[${index}].`;

  return {
    async createRun(request: OperationRequest<'createRun'>): Promise<OperationResponse<'createRun'>> {
      const tags = (request.tags ?? []).map((tag) => ({ key: tag.key, value: tag.value ?? '' }));
      tags.forEach((tag, index) => validateRunTag(tag, `tags[${index}].`));
      const nameTag = tags.find((tag) => tag.key === RUN_NAME_TAG)?.value;
      if (request.run_name && nameTag && request.run_name !== nameTag) {
        throw MlflowError.invalidParameter(
          `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${request.run_name}', mlflow.runName='${nameTag}').`,
        );
      }
      const runName = request.run_name || nameTag || generateRunName();
      if (!nameTag) tags.push({ key: RUN_NAME_TAG, value: runName });
      const byKey = new Map(tags.map((tag) => [tag.key, tag.value]));
      const tagKeys = [...byKey.keys()].sort();
      const experimentId = request.experiment_id || '0';
      // Lowercase hex only: run ids are compared case-sensitively and read back by IN filters.
      const runId = randomUUID().replaceAll('-', '');
      const userId = request.user_id ?? '';
      const startTime = request.start_time ?? null;
      const { rows } = /^\d{1,18}$/.test(experimentId)
        ? await db.query<{ artifact_uri: string }>(CREATE_RUN, [Number(experimentId), runId, runName, userId, startTime, tagKeys, tagKeys.map((key) => byKey.get(key))])
        : { rows: [] };
      const [created] = rows;
      if (created === undefined) {
        // No active experiment took the run: say why, as MLflow does.
        const experiment = await readExperiment(db, experimentId);
        throw MlflowError.invalidParameter(`The experiment ${experiment.experiment_id} must be in the 'active' state. Current state is ${experiment.lifecycle_stage}.`);
      }
      const info = {
        run_id: runId,
        run_uuid: runId,
        run_name: runName,
        experiment_id: String(Number(experimentId)),
        user_id: userId,
        status: 'RUNNING' as const,
        ...(startTime === null ? {} : { start_time: startTime }),
        artifact_uri: created.artifact_uri,
        lifecycle_stage: 'active' as const,
      };
      return { run: { info, data: { tags: tagKeys.map((key) => ({ key, value: byKey.get(key) ?? '' })) }, inputs: {} } };
    },

    async getRun(request: OperationRequest<'getRun'>): Promise<OperationResponse<'getRun'>> {
      return { run: await readRun(db, runIdOf(request)) };
    },

    async updateRun(request: OperationRequest<'updateRun'>): Promise<OperationResponse<'updateRun'>> {
      const runId = runIdOf(request);
      await db.transaction(async (tx) => {
        await lockActiveRun(tx, runId);
        await tx.query(
          `UPDATE runs SET status = coalesce($2, status), end_time = coalesce($3, end_time), name = coalesce($4, name) WHERE run_uuid = $1`,
          [runId, request.status ?? null, request.end_time ?? null, request.run_name || null],
        );
        if (request.run_name) {
          await tx.query(
            `INSERT INTO run_tags (run_uuid, key, value) VALUES ($1, $2, $3) ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value`,
            [runId, RUN_NAME_TAG, request.run_name],
          );
        }
      });
      return { run_info: await readRunInfo(db, runId) };
    },

    async deleteRun({ run_id }: OperationRequest<'deleteRun'>): Promise<OperationResponse<'deleteRun'>> {
      const { rowCount } = await db.query("UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = $2 WHERE run_uuid = $1", [run_id, now()]);
      if (rowCount === 0) throw MlflowError.notFound(`Run with id=${run_id} not found`);
      return {};
    },

    async restoreRun({ run_id }: OperationRequest<'restoreRun'>): Promise<OperationResponse<'restoreRun'>> {
      const { rowCount } = await db.query("UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE run_uuid = $1", [run_id]);
      if (rowCount === 0) throw MlflowError.notFound(`Run with id=${run_id} not found`);
      return {};
    },

    async logMetric(request: OperationRequest<'logMetric'>): Promise<OperationResponse<'logMetric'>> {
      const metric = { key: request.key, value: request.value, timestamp: request.timestamp, step: request.step ?? 0 };
      await logBatch(runIdOf(request), [metric], [], [], single);
      return {};
    },

    async logParam(request: OperationRequest<'logParam'>): Promise<OperationResponse<'logParam'>> {
      await logBatch(runIdOf(request), [], [{ key: request.key, value: request.value ?? '' }], [], single);
      return {};
    },

    async setTag(request: OperationRequest<'setTag'>): Promise<OperationResponse<'setTag'>> {
      await logBatch(runIdOf(request), [], [], [{ key: request.key, value: request.value ?? '' }], single);
      return {};
    },

    async logBatch(request: OperationRequest<'logBatch'>): Promise<OperationResponse<'logBatch'>> {
      const metrics = (request.metrics ?? []).map((m) => ({ key: m.key, value: m.value, timestamp: m.timestamp, step: m.step ?? 0 }));
      const params = (request.params ?? []).map((p) => ({ key: p.key, value: p.value ?? '' }));
      const tags = (request.tags ?? []).map((t) => ({ key: t.key, value: t.value ?? '' }));
      await logBatch(request.run_id, metrics, params, tags, indexed);
      return {};
    },

    async deleteTag({ run_id, key }: OperationRequest<'deleteTag'>): Promise<OperationResponse<'deleteTag'>> {
      await db.transaction(async (tx) => {
        await lockActiveRun(tx, run_id);
        const { rowCount } = await tx.query('DELETE FROM run_tags WHERE run_uuid = $1 AND key = $2', [run_id, key]);
        if (rowCount === 0) throw MlflowError.notFound(`No tag with name: ${key} in run with id ${run_id}`);
      });
      return {};
    },

    async logInputs({ run_id, datasets }: OperationRequest<'logInputs'>): Promise<OperationResponse<'logInputs'>> {
      validateRunId(run_id);
      const inputs = datasets ?? [];
      validateDatasetInputs(inputs);
      await db.transaction(async (tx) => {
        const { experimentId } = await lockActiveRun(tx, run_id);
        const time = now();
        // The same dataset (name and digest) logged twice is one input, as in MLflow.
        const unique = new Map(inputs.map((input) => [`${input.dataset.name}\u0000${input.dataset.digest}`, input]));
        for (const { dataset, tags } of [...unique.values()].sort((a, b) => (a.dataset.name < b.dataset.name ? -1 : 1))) {
          const { rows } = await tx.query<{ dataset_uuid: string }>(
            `INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, source_type, source, schema, profile)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (experiment_id, name, digest) DO UPDATE SET name = excluded.name
             RETURNING dataset_uuid`,
            [randomUUID().replaceAll('-', ''), Number(experimentId), dataset.name, dataset.digest, dataset.source_type, dataset.source, dataset.schema ?? null, dataset.profile ?? null],
          );
          await tx.query(
            `INSERT INTO run_inputs (run_uuid, dataset_uuid, tags, logged_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (run_uuid, dataset_uuid) DO NOTHING`,
            [run_id, rows[0]?.dataset_uuid, JSON.stringify(tags ?? []), time],
          );
        }
      });
      return {};
    },

    async logModel({ run_id, model_json }: OperationRequest<'logModel'>): Promise<OperationResponse<'logModel'>> {
      let model: Record<string, unknown>;
      try {
        model = JSON.parse(model_json) as Record<string, unknown>;
      } catch {
        throw MlflowError.invalidParameter(`Malformed model info. \n ${model_json} \n is not a valid JSON.`);
      }
      const missing = ['artifact_path', 'flavors', 'utc_time_created', 'run_id'].filter((field) => typeof model !== 'object' || model === null || !(field in model));
      if (missing.length > 0) throw MlflowError.invalidParameter(`Model json is missing mandatory fields: ${JSON.stringify(missing)}`);
      await db.transaction(async (tx) => {
        await lockActiveRun(tx, run_id);
        // Serialises concurrent log-model calls on this run: the history is read, extended, written.
        const { rows } = await tx.query<{ value: string }>('SELECT value FROM run_tags WHERE run_uuid = $1 AND key = $2 FOR UPDATE', [run_id, LOGGED_MODELS_TAG]);
        const history = rows[0] ? (JSON.parse(rows[0].value) as unknown[]) : [];
        const value = JSON.stringify([...history, model]);
        validateRunTag({ key: LOGGED_MODELS_TAG, value }, '');
        await tx.query(
          `INSERT INTO run_tags (run_uuid, key, value) VALUES ($1, $2, $3) ON CONFLICT (run_uuid, key) DO UPDATE SET value = excluded.value`,
          [run_id, LOGGED_MODELS_TAG, value],
        );
      });
      return {};
    },

    async searchRuns(request: OperationRequest<'searchRuns'>): Promise<OperationResponse<'searchRuns'>> {
      const maxResults = pageSize(request.max_results, { fallback: REGISTRY_LIMITS.searchRunsDefaultMaxResults, max: REGISTRY_LIMITS.searchRunsMaxResults });
      const experimentIds = (request.experiment_ids ?? []).filter((id) => /^\d{1,18}$/.test(id)).map(Number);
      const offset = decodePageToken(request.page_token);
      const { text, values } = compileRunSearch({
        experimentIds,
        lifecycleStages: lifecycleStagesOf(request.run_view_type),
        clauses: parseRunFilter(request.filter),
        orders: parseRunOrderBy(request.order_by),
        offset,
        limit: maxResults + 1,
      });
      const { rows } = experimentIds.length === 0 ? { rows: [] } : await db.query<{ run_uuid: string }>(text, values);
      const { runs: page, next_page_token } = pagedResponse('runs', rows, offset, maxResults);
      const runs = await readRuns(db, (page ?? []).map((row) => row.run_uuid));
      return { ...(runs.length > 0 ? { runs } : {}), ...(next_page_token === undefined ? {} : { next_page_token }) };
    },

    async getMetricHistory(request: OperationRequest<'getMetricHistory'>): Promise<OperationResponse<'getMetricHistory'>> {
      const runId = runIdOf(request);
      await readRunInfo(db, runId);
      // MLflow sets no upper bound here; a page still holds at least one point.
      const maxResults = pageSize(request.max_results, { fallback: REGISTRY_LIMITS.metricHistoryDefaultMaxResults, max: 2 ** 31 - 1 });
      const offset = decodePageToken(request.page_token);
      // Without a page token MLflow returns the whole history; with one, pages of max_results.
      const paged = request.page_token !== undefined || request.max_results !== undefined;
      const { rows } = await db.query<{ key: string; value: number; timestamp: string; step: string }>(
        `SELECT key, value, timestamp::text AS timestamp, step::text AS step FROM metrics WHERE run_uuid = $1 AND key = $2
         ORDER BY step, timestamp, value ${paged ? 'LIMIT $3 OFFSET $4' : ''}`,
        paged ? [runId, request.metric_key, maxResults + 1, offset] : [runId, request.metric_key],
      );
      const page = paged ? rows.slice(0, maxResults) : rows;
      const response: OperationResponse<'getMetricHistory'> = {};
      if (page.length > 0) {
        response.metrics = page.map((row) => ({ key: row.key, value: doubleToWire(row.value), timestamp: Number(row.timestamp), step: Number(row.step) }));
      }
      const token = paged ? nextPageToken(offset, maxResults, rows.length) : undefined;
      if (token !== undefined) response.next_page_token = token;
      return response;
    },
  };
}

export type RunStore = ReturnType<typeof createRunStore>;
