import { MlflowError, REGISTRY_LIMITS, type ModelVersionStage, type OperationRequest, type OperationResponse } from '@payments-mlops/contracts';
import { decodePageToken, pageSize, pagedResponse } from '../../domain/page-token.js';
import { IS_PROMPT_TAG, splitPromptClauses } from '../../domain/prompt-filter.js';
import { MODEL_VERSION_SEARCH, parseEntityFilter, parseEntityOrderBy } from '../../domain/registry-search.js';
import { ACTIVE_STAGES, canonicalStage } from '../../domain/stages.js';
import { parseVersion, validateRegistryTag } from '../../domain/validation.js';
import { parseModelsUri, validateModelVersionSource } from '../../domain/model-source.js';
import type { StoreContext } from './context.js';
import { compileEntityFilter, compileEntityOrder, excludePromptsSql } from './entity-search-sql.js';
import { readModelVersion, readModelVersionsWhere, readRegisteredModel, requireModelVersion } from './model-version-reader.js';
import { requireRegisteredModel } from './registered-model-store.js';
import { SqlParams } from './sql-params.js';

/* Model versions on Postgres: registration, stages, tags, search. */

const ALL_STAGES: readonly ModelVersionStage[] = ['None', 'Staging', 'Production', 'Archived'];

export function createModelVersionStore({ db, now }: StoreContext) {
  async function downloadUriOf(name: string, version: number): Promise<string> {
    const { rows } = await db.query<{ uri: string }>('SELECT coalesce(storage_location, source) AS uri FROM model_versions WHERE name = $1 AND version = $2', [name, version]);
    const [row] = rows;
    if (row === undefined) throw MlflowError.notFound(`Model Version (name=${name}, version=${version}) not found`);
    return row.uri;
  }

  return {
    async createModelVersion(request: OperationRequest<'createModelVersion'>): Promise<OperationResponse<'createModelVersion'>> {
      const tags = (request.tags ?? []).map((tag) => ({ key: tag.key, value: tag.value ?? '' }));
      tags.forEach(validateRegistryTag);
      const isPrompt = tags.some((tag) => tag.key === IS_PROMPT_TAG);
      if (!isPrompt) validateModelVersionSource(request.source);
      const target = parseModelsUri(request.source);
      const storageLocation = target === undefined ? null : await downloadUriOf(target.name, target.version);
      const time = now();
      const version = await db.transaction(async (tx) => {
        // The model's row lock serialises concurrent registrations: each gets the next number.
        const { rows } = await tx.query<{ last_version: number }>(
          'UPDATE registered_models SET last_version = last_version + 1, last_updated_time = $2 WHERE name = $1 RETURNING last_version',
          [request.name, time],
        );
        const number = rows[0]?.last_version;
        if (number === undefined) throw MlflowError.notFound(`Registered Model with name=${request.name} not found`);
        await tx.query(
          `INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, source, storage_location, run_id, run_link, status)
           VALUES ($1, $2, $3, $3, $4, $5, $6, $7, $8, 'READY')`,
          [request.name, number, time, request.description ?? '', request.source, storageLocation, request.run_id ?? '', request.run_link ?? ''],
        );
        if (tags.length > 0) {
          const byKey = new Map(tags.map((tag) => [tag.key, tag.value]));
          await tx.query(
            'INSERT INTO model_version_tags (name, version, key, value) SELECT $1, $2, k, v FROM unnest($3::text[], $4::text[]) AS u(k, v)',
            [request.name, number, [...byKey.keys()], [...byKey.values()]],
          );
        }
        return number;
      });
      return { model_version: await readModelVersion(db, request.name, version) };
    },

    async getModelVersion({ name, version }: OperationRequest<'getModelVersion'>): Promise<OperationResponse<'getModelVersion'>> {
      return { model_version: await readModelVersion(db, name, parseVersion(version)) };
    },

    async updateModelVersion({ name, version, description }: OperationRequest<'updateModelVersion'>): Promise<OperationResponse<'updateModelVersion'>> {
      const number = parseVersion(version);
      const { rowCount } = await db.query('UPDATE model_versions SET description = $3, last_updated_time = $4 WHERE name = $1 AND version = $2', [name, number, description ?? null, now()]);
      if (rowCount === 0) throw MlflowError.notFound(`Model Version (name=${name}, version=${version}) not found`);
      return { model_version: await readModelVersion(db, name, number) };
    },

    async deleteModelVersion({ name, version }: OperationRequest<'deleteModelVersion'>): Promise<OperationResponse<'deleteModelVersion'>> {
      const number = parseVersion(version);
      await db.transaction(async (tx) => {
        // Aliases pointing at it and its tags go with it; its number is never reused.
        const { rowCount } = await tx.query('DELETE FROM model_versions WHERE name = $1 AND version = $2', [name, number]);
        if (rowCount === 0) throw MlflowError.notFound(`Model Version (name=${name}, version=${version}) not found`);
        await tx.query('UPDATE registered_models SET last_updated_time = $2 WHERE name = $1', [name, now()]);
      });
      return {};
    },

    async transitionModelVersionStage(request: OperationRequest<'transitionModelVersionStage'>): Promise<OperationResponse<'transitionModelVersionStage'>> {
      const number = parseVersion(request.version);
      const stage = canonicalStage(request.stage);
      const archiveOthers = request.archive_existing_versions ?? false;
      if (archiveOthers && !ACTIVE_STAGES.includes(stage)) {
        throw MlflowError.invalidParameter(
          `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. Valid stages are ${ACTIVE_STAGES.join(', ')}`,
        );
      }
      const time = now();
      await db.transaction(async (tx) => {
        const { rowCount } = await tx.query('UPDATE model_versions SET current_stage = $3, last_updated_time = $4 WHERE name = $1 AND version = $2', [request.name, number, stage, time]);
        if (rowCount === 0) throw MlflowError.notFound(`Model Version (name=${request.name}, version=${request.version}) not found`);
        if (archiveOthers) {
          await tx.query(
            "UPDATE model_versions SET current_stage = 'Archived', last_updated_time = $4 WHERE name = $1 AND version <> $2 AND current_stage = $3",
            [request.name, number, stage, time],
          );
        }
        await tx.query('UPDATE registered_models SET last_updated_time = $2 WHERE name = $1', [request.name, time]);
      });
      return { model_version: await readModelVersion(db, request.name, number) };
    },

    async getLatestVersions({ name, stages }: OperationRequest<'getLatestVersions'>): Promise<OperationResponse<'getLatestVersions'>> {
      const wanted = stages && stages.length > 0 ? [...new Set(stages.map(canonicalStage))] : ALL_STAGES;
      const model = await readRegisteredModel(db, name);
      const versions = (model.latest_versions ?? []).filter((version) => wanted.includes(version.current_stage as ModelVersionStage));
      return versions.length > 0 ? { model_versions: versions } : {};
    },

    async searchModelVersions(request: OperationRequest<'searchModelVersions'>): Promise<OperationResponse<'searchModelVersions'>> {
      const maxResults = pageSize(request.max_results, { fallback: REGISTRY_LIMITS.searchModelVersionsDefaultMaxResults, max: REGISTRY_LIMITS.searchModelVersionsMaxResults });
      const { clauses, excludePrompts } = splitPromptClauses(parseEntityFilter(request.filter, MODEL_VERSION_SEARCH));
      const orders = parseEntityOrderBy(request.order_by?.length ? request.order_by : ['last_updated_timestamp DESC', 'name ASC', 'version_number DESC'], MODEL_VERSION_SEARCH);
      if (!orders.some((order) => order.column === 'name')) orders.push({ column: 'name', ascending: true });
      if (!orders.some((order) => order.column === 'version')) orders.push({ column: 'version', ascending: false });
      const offset = decodePageToken(request.page_token);
      const params = new SqlParams();
      const where = compileEntityFilter(clauses, 'v', { table: 'model_version_tags', joinCondition: 't.name = v.name AND t.version = v.version' }, params);
      if (excludePrompts) where.push(excludePromptsSql('model_version_tags', 'v', params));
      const versions = await readModelVersionsWhere(
        db,
        where.join(' AND ') || 'TRUE',
        params.values,
        `${compileEntityOrder(orders, 'v').join(', ')} LIMIT ${params.add(maxResults + 1)} OFFSET ${params.add(offset)}`,
      );
      return pagedResponse('model_versions', versions, offset, maxResults);
    },

    async getModelVersionDownloadUri({ name, version }: OperationRequest<'getModelVersionDownloadUri'>): Promise<OperationResponse<'getModelVersionDownloadUri'>> {
      return { artifact_uri: await downloadUriOf(name, parseVersion(version)) };
    },

    async setModelVersionTag({ name, version, key, value }: OperationRequest<'setModelVersionTag'>): Promise<OperationResponse<'setModelVersionTag'>> {
      const number = parseVersion(version);
      const tag = { key, value: value ?? '' };
      validateRegistryTag(tag);
      await db.transaction(async (tx) => {
        await requireModelVersion(tx, name, number);
        await tx.query(
          `INSERT INTO model_version_tags (name, version, key, value) VALUES ($1, $2, $3, $4)
           ON CONFLICT (name, version, key) DO UPDATE SET value = excluded.value`,
          [name, number, tag.key, tag.value],
        );
      });
      return {};
    },

    async deleteModelVersionTag({ name, version, key }: OperationRequest<'deleteModelVersionTag'>): Promise<OperationResponse<'deleteModelVersionTag'>> {
      const number = parseVersion(version);
      await db.transaction(async (tx) => {
        await requireRegisteredModel(tx, name);
        await requireModelVersion(tx, name, number);
        await tx.query('DELETE FROM model_version_tags WHERE name = $1 AND version = $2 AND key = $3', [name, number, key]);
      });
      return {};
    },
  };
}

export type ModelVersionStore = ReturnType<typeof createModelVersionStore>;
