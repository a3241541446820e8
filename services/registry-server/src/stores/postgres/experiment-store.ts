import { MlflowError, REGISTRY_LIMITS, type Experiment, type OperationRequest, type OperationResponse } from '@payments-mlops/contracts';
import { EXPERIMENT_SEARCH, parseEntityFilter, parseEntityOrderBy } from '../../domain/registry-search.js';
import { decodePageToken, pageSize, pagedResponse } from '../../domain/page-token.js';
import { validateExperimentName, validateExperimentTag } from '../../domain/validation.js';
import { lifecycleStagesOf } from '../../domain/view-type.js';
import { appendToUri, type StoreContext } from './context.js';
import { PG_UNIQUE_VIOLATION, pgErrorCode, type Queryable } from './db.js';
import { compileEntityFilter, compileEntityOrder } from './entity-search-sql.js';
import { SqlParams } from './sql-params.js';

/* Experiments on Postgres: MLflow's experiment operations. */

export const DEFAULT_EXPERIMENT_ID = '0';
export const DEFAULT_EXPERIMENT_NAME = 'Default';

interface ExperimentRow {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: Experiment['lifecycle_stage'];
  creation_time: string;
  last_update_time: string;
  tags: [string, string][] | null;
}

const EXPERIMENT_COLUMNS = `e.experiment_id::text AS experiment_id, e.name, e.artifact_location, e.lifecycle_stage,
  e.creation_time::text AS creation_time, e.last_update_time::text AS last_update_time,
  (SELECT json_agg(json_build_array(t.key, t.value) ORDER BY t.key) FROM experiment_tags t WHERE t.experiment_id = e.experiment_id) AS tags`;

function toExperiment(row: ExperimentRow): Experiment {
  const experiment: Experiment = {
    experiment_id: row.experiment_id,
    name: row.name,
    artifact_location: row.artifact_location,
    lifecycle_stage: row.lifecycle_stage,
  };
  if (Number(row.last_update_time) > 0) experiment.last_update_time = Number(row.last_update_time);
  if (Number(row.creation_time) > 0) experiment.creation_time = Number(row.creation_time);
  if (row.tags) experiment.tags = row.tags.map(([key, value]) => ({ key, value }));
  return experiment;
}

/** Experiment ids are integers; anything else names no experiment. */
function experimentKey(experimentId: string): number | undefined {
  return /^\d{1,18}$/.test(experimentId) ? Number(experimentId) : undefined;
}

export async function readExperiment(db: Queryable, experimentId: string, stages: readonly string[] = ['active', 'deleted']): Promise<Experiment> {
  const key = experimentKey(experimentId);
  const { rows } =
    key === undefined
      ? { rows: [] }
      : await db.query<ExperimentRow>(`SELECT ${EXPERIMENT_COLUMNS} FROM experiments e WHERE e.experiment_id = $1 AND e.lifecycle_stage = ANY($2)`, [key, stages]);
  const [row] = rows;
  if (row === undefined) throw MlflowError.notFound(`No Experiment with id=${experimentId} exists`);
  return toExperiment(row);
}

export function createExperimentStore({ db, now, defaultArtifactRoot }: StoreContext) {
  async function requireActive(tx: Queryable, experimentId: string): Promise<number> {
    const experiment = await readExperiment(tx, experimentId);
    if (experiment.lifecycle_stage !== 'active') {
      throw MlflowError.invalidParameter(`The experiment ${experimentId} must be in the 'active' state. Current state is ${experiment.lifecycle_stage}.`);
    }
    return Number(experiment.experiment_id);
  }

  return {
    /** The Default experiment (id 0) MLflow's clients fall back to; created once, at start-up. */
    async ensureDefaultExperiment(): Promise<void> {
      const time = now();
      await db.query(
        `INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time)
         VALUES (0, $1, $2, $3, $3) ON CONFLICT DO NOTHING`,
        [DEFAULT_EXPERIMENT_NAME, appendToUri(defaultArtifactRoot, DEFAULT_EXPERIMENT_ID), time],
      );
    },

    async createExperiment({ name, artifact_location, tags }: OperationRequest<'createExperiment'>): Promise<OperationResponse<'createExperiment'>> {
      validateExperimentName(name);
      const location = artifact_location || undefined;
      if (location !== undefined) validateArtifactLocation(location);
      // A key given twice keeps its last value, as two set-tag calls would (and as runs and
      // registered models keep theirs); one INSERT cannot upsert the same row twice.
      const tagList = [...new Map((tags ?? []).map((tag) => [tag.key, { key: tag.key, value: tag.value ?? '' }])).values()];
      tagList.forEach(validateExperimentTag);
      const time = now();
      try {
        return await db.transaction(async (tx) => {
          const { rows } = await tx.query<{ experiment_id: string }>(
            `WITH next AS (SELECT nextval(pg_get_serial_sequence('experiments', 'experiment_id')) AS id)
             INSERT INTO experiments (experiment_id, name, artifact_location, creation_time, last_update_time)
             SELECT id, $1, coalesce($2, $3 || id::text), $4, $4 FROM next
             RETURNING experiment_id::text AS experiment_id`,
            [name, location ?? null, appendToUri(defaultArtifactRoot, ''), time],
          );
          const experimentId = rows[0]?.experiment_id ?? '';
          if (tagList.length > 0) {
            await tx.query(
              `INSERT INTO experiment_tags (experiment_id, key, value)
               SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS u(k, v)
               ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value`,
              [experimentId, tagList.map((t) => t.key), tagList.map((t) => t.value)],
            );
          }
          return { experiment_id: experimentId };
        });
      } catch (error) {
        if (pgErrorCode(error) === PG_UNIQUE_VIOLATION) throw MlflowError.alreadyExists(`Experiment(name=${name}) already exists.`);
        throw error;
      }
    },

    async getExperiment({ experiment_id }: OperationRequest<'getExperiment'>): Promise<OperationResponse<'getExperiment'>> {
      return { experiment: await readExperiment(db, experiment_id) };
    },

    async getExperimentByName({ experiment_name }: OperationRequest<'getExperimentByName'>): Promise<OperationResponse<'getExperimentByName'>> {
      const { rows } = await db.query<ExperimentRow>(`SELECT ${EXPERIMENT_COLUMNS} FROM experiments e WHERE e.name = $1`, [experiment_name]);
      const [row] = rows;
      if (row === undefined) throw MlflowError.notFound(`Could not find experiment with name '${experiment_name}'`);
      return { experiment: toExperiment(row) };
    },

    async searchExperiments(request: OperationRequest<'searchExperiments'>): Promise<OperationResponse<'searchExperiments'>> {
      const maxResults = pageSize(request.max_results, { fallback: REGISTRY_LIMITS.searchExperimentsDefaultMaxResults, max: REGISTRY_LIMITS.searchExperimentsMaxResults });
      const clauses = parseEntityFilter(request.filter, EXPERIMENT_SEARCH);
      const orders = parseEntityOrderBy(request.order_by?.length ? request.order_by : ['creation_time DESC', 'experiment_id ASC'], EXPERIMENT_SEARCH);
      if (!orders.some((order) => order.column === 'experiment_id')) orders.push({ column: 'experiment_id', ascending: false });
      const offset = decodePageToken(request.page_token);
      const params = new SqlParams();
      const where = [
        `e.lifecycle_stage = ANY(${params.add(lifecycleStagesOf(request.view_type))}::text[])`,
        ...compileEntityFilter(clauses, 'e', { table: 'experiment_tags', joinCondition: 't.experiment_id = e.experiment_id' }, params),
      ];
      const { rows } = await db.query<ExperimentRow>(
        `SELECT ${EXPERIMENT_COLUMNS} FROM experiments e WHERE ${where.join(' AND ')}
         ORDER BY ${compileEntityOrder(orders, 'e').join(', ')} LIMIT ${params.add(maxResults + 1)} OFFSET ${params.add(offset)}`,
        params.values,
      );
      return pagedResponse('experiments', rows.map(toExperiment), offset, maxResults);
    },

    async updateExperiment({ experiment_id, new_name }: OperationRequest<'updateExperiment'>): Promise<OperationResponse<'updateExperiment'>> {
      validateExperimentName(new_name);
      const experiment = await readExperiment(db, experiment_id);
      if (experiment.lifecycle_stage !== 'active') throw new MlflowError('INVALID_STATE', 'Cannot rename a non-active experiment.');
      try {
        await db.query('UPDATE experiments SET name = $2, last_update_time = $3 WHERE experiment_id = $1', [Number(experiment.experiment_id), new_name, now()]);
      } catch (error) {
        if (pgErrorCode(error) === PG_UNIQUE_VIOLATION) throw MlflowError.alreadyExists(`Experiment(name=${new_name}) already exists.`);
        throw error;
      }
      return {};
    },

    async deleteExperiment({ experiment_id }: OperationRequest<'deleteExperiment'>): Promise<OperationResponse<'deleteExperiment'>> {
      await setLifecycle(experiment_id, 'active', 'deleted');
      return {};
    },

    async restoreExperiment({ experiment_id }: OperationRequest<'restoreExperiment'>): Promise<OperationResponse<'restoreExperiment'>> {
      await setLifecycle(experiment_id, 'deleted', 'active');
      return {};
    },

    async setExperimentTag({ experiment_id, key, value }: OperationRequest<'setExperimentTag'>): Promise<OperationResponse<'setExperimentTag'>> {
      const tag = { key, value: value ?? '' };
      validateExperimentTag(tag);
      await db.transaction(async (tx) => {
        const id = await requireActive(tx, experiment_id);
        await tx.query(
          `INSERT INTO experiment_tags (experiment_id, key, value) VALUES ($1, $2, $3)
           ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value`,
          [id, tag.key, tag.value],
        );
      });
      return {};
    },
  };

  /** Deletes or restores an experiment together with its runs, as MLflow does. */
  async function setLifecycle(experimentId: string, from: 'active' | 'deleted', to: 'active' | 'deleted'): Promise<void> {
    const key = experimentKey(experimentId);
    const time = now();
    await db.transaction(async (tx) => {
      const { rowCount } =
        key === undefined
          ? { rowCount: 0 }
          : await tx.query('UPDATE experiments SET lifecycle_stage = $2, last_update_time = $3 WHERE experiment_id = $1 AND lifecycle_stage = $4', [key, to, time, from]);
      if (rowCount === 0) throw MlflowError.notFound(`No Experiment with id=${experimentId} exists`);
      await tx.query('UPDATE runs SET lifecycle_stage = $2, deleted_time = $3 WHERE experiment_id = $1', [key, to, to === 'deleted' ? time : null]);
    });
  }
}

export type ExperimentStore = ReturnType<typeof createExperimentStore>;

function validateArtifactLocation(location: string): void {
  if (location.startsWith('runs:')) throw MlflowError.invalidParameter(`Artifact location cannot be a runs:/ URI. Given: '${location}'`);
  if (location.includes('#') || /;[^/]*$/.test(location.split('?')[0] ?? '')) {
    throw MlflowError.invalidParameter("'artifact_location' URL can't include fragments or params.");
  }
}
