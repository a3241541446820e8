import { MlflowError, REGISTRY_LIMITS, type OperationRequest, type OperationResponse } from '@payments-mlops/contracts';
import { decodePageToken, pageSize, pagedResponse } from '../../domain/page-token.js';
import { IS_PROMPT_TAG, splitPromptClauses } from '../../domain/prompt-filter.js';
import { REGISTERED_MODEL_SEARCH, parseEntityFilter, parseEntityOrderBy } from '../../domain/registry-search.js';
import { parseVersion, validateAlias, validateRegistryTag } from '../../domain/validation.js';
import type { StoreContext } from './context.js';
import { PG_UNIQUE_VIOLATION, pgErrorCode, type Queryable } from './db.js';
import { compileEntityFilter, compileEntityOrder, excludePromptsSql } from './entity-search-sql.js';
import { readModelVersion, readRegisteredModel, readRegisteredModelsWhere, requireModelVersion } from './model-version-reader.js';
import { SqlParams } from './sql-params.js';

/* Registered models, their tags and aliases, on Postgres. */

function alreadyExists(name: string, existingIsPrompt: boolean, newIsPrompt: boolean): MlflowError {
  if (existingIsPrompt !== newIsPrompt) {
    const [created, taken] = newIsPrompt ? ['prompt', 'registered model'] : ['registered model', 'prompt'];
    return MlflowError.alreadyExists(
      `Tried to create a ${created} with name '${name}', but the name is already taken by a ${taken}. MLflow does not allow creating a model and a prompt with the same name.`,
    );
  }
  return MlflowError.alreadyExists(`${newIsPrompt ? 'Prompt' : 'Registered Model'} (name=${name}) already exists.`);
}

/** Throws unless the model exists, and keeps it from being deleted or renamed until the transaction ends. */
export async function requireRegisteredModel(tx: Queryable, name: string): Promise<void> {
  const { rowCount } = await tx.query('SELECT 1 FROM registered_models WHERE name = $1 FOR KEY SHARE', [name]);
  if (rowCount === 0) throw MlflowError.notFound(`Registered Model with name=${name} not found`);
}

export function createRegisteredModelStore({ db, now }: StoreContext) {
  return {
    async createRegisteredModel({ name, tags, description }: OperationRequest<'createRegisteredModel'>): Promise<OperationResponse<'createRegisteredModel'>> {
      const tagList = (tags ?? []).map((tag) => ({ key: tag.key, value: tag.value ?? '' }));
      tagList.forEach(validateRegistryTag);
      const time = now();
      try {
        await db.transaction(async (tx) => {
          await tx.query('INSERT INTO registered_models (name, creation_time, last_updated_time, description) VALUES ($1, $2, $2, $3)', [name, time, description ?? null]);
          if (tagList.length > 0) {
            const byKey = new Map(tagList.map((tag) => [tag.key, tag.value]));
            await tx.query('INSERT INTO registered_model_tags (name, key, value) SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS u(k, v)', [name, [...byKey.keys()], [...byKey.values()]]);
          }
        });
      } catch (error) {
        if (pgErrorCode(error) !== PG_UNIQUE_VIOLATION) throw error;
        const existing = await readRegisteredModel(db, name);
        const isPrompt = (list: readonly { key: string; value?: string }[] | undefined) => (list ?? []).some((tag) => tag.key === IS_PROMPT_TAG);
        throw alreadyExists(name, isPrompt(existing.tags), isPrompt(tagList));
      }
      return { registered_model: await readRegisteredModel(db, name) };
    },

    async getRegisteredModel({ name }: OperationRequest<'getRegisteredModel'>): Promise<OperationResponse<'getRegisteredModel'>> {
      return { registered_model: await readRegisteredModel(db, name) };
    },

    async renameRegisteredModel({ name, new_name }: OperationRequest<'renameRegisteredModel'>): Promise<OperationResponse<'renameRegisteredModel'>> {
      const time = now();
      try {
        await db.transaction(async (tx) => {
          // Versions, tags and aliases follow through ON UPDATE CASCADE.
          const { rowCount } = await tx.query('UPDATE registered_models SET name = $2, last_updated_time = $3 WHERE name = $1', [name, new_name, time]);
          if (rowCount === 0) throw MlflowError.notFound(`Registered Model with name=${name} not found`);
          await tx.query('UPDATE model_versions SET last_updated_time = $2 WHERE name = $1', [new_name, time]);
        });
      } catch (error) {
        if (pgErrorCode(error) === PG_UNIQUE_VIOLATION) throw MlflowError.alreadyExists(`Registered Model (name=${new_name}) already exists.`);
        throw error;
      }
      return { registered_model: await readRegisteredModel(db, new_name) };
    },

    async updateRegisteredModel({ name, description }: OperationRequest<'updateRegisteredModel'>): Promise<OperationResponse<'updateRegisteredModel'>> {
      const { rowCount } = await db.query('UPDATE registered_models SET description = $2, last_updated_time = $3 WHERE name = $1', [name, description ?? null, now()]);
      if (rowCount === 0) throw MlflowError.notFound(`Registered Model with name=${name} not found`);
      return { registered_model: await readRegisteredModel(db, name) };
    },

    async deleteRegisteredModel({ name }: OperationRequest<'deleteRegisteredModel'>): Promise<OperationResponse<'deleteRegisteredModel'>> {
      // Versions, tags and aliases go with it (ON DELETE CASCADE).
      const { rowCount } = await db.query('DELETE FROM registered_models WHERE name = $1', [name]);
      if (rowCount === 0) throw MlflowError.notFound(`Registered Model with name=${name} not found`);
      return {};
    },

    async searchRegisteredModels(request: OperationRequest<'searchRegisteredModels'>): Promise<OperationResponse<'searchRegisteredModels'>> {
      const maxResults = pageSize(request.max_results, { fallback: REGISTRY_LIMITS.searchRegisteredModelsDefaultMaxResults, max: REGISTRY_LIMITS.searchRegisteredModelsMaxResults });
      const { clauses, excludePrompts } = splitPromptClauses(parseEntityFilter(request.filter, REGISTERED_MODEL_SEARCH));
      const orders = parseEntityOrderBy(request.order_by, REGISTERED_MODEL_SEARCH);
      if (!orders.some((order) => order.column === 'name')) orders.push({ column: 'name', ascending: true });
      const offset = decodePageToken(request.page_token);
      const params = new SqlParams();
      const where = compileEntityFilter(clauses, 'm', { table: 'registered_model_tags', joinCondition: 't.name = m.name' }, params);
      if (excludePrompts) where.push(excludePromptsSql('registered_model_tags', 'm', params));
      const models = await readRegisteredModelsWhere(
        db,
        { where: where.join(' AND ') || 'TRUE', orderBy: compileEntityOrder(orders, 'm').join(', '), limit: params.add(maxResults + 1), offset: params.add(offset) },
        params.values,
      );
      return pagedResponse('registered_models', models, offset, maxResults);
    },

    async setRegisteredModelTag({ name, key, value }: OperationRequest<'setRegisteredModelTag'>): Promise<OperationResponse<'setRegisteredModelTag'>> {
      const tag = { key, value: value ?? '' };
      validateRegistryTag(tag);
      await db.transaction(async (tx) => {
        await requireRegisteredModel(tx, name);
        await tx.query(
          'INSERT INTO registered_model_tags (name, key, value) VALUES ($1, $2, $3) ON CONFLICT (name, key) DO UPDATE SET value = excluded.value',
          [name, tag.key, tag.value],
        );
      });
      return {};
    },

    async deleteRegisteredModelTag({ name, key }: OperationRequest<'deleteRegisteredModelTag'>): Promise<OperationResponse<'deleteRegisteredModelTag'>> {
      await db.transaction(async (tx) => {
        await requireRegisteredModel(tx, name);
        await tx.query('DELETE FROM registered_model_tags WHERE name = $1 AND key = $2', [name, key]);
      });
      return {};
    },

    async setRegisteredModelAlias({ name, alias, version }: OperationRequest<'setRegisteredModelAlias'>): Promise<OperationResponse<'setRegisteredModelAlias'>> {
      validateAlias(alias);
      const number = parseVersion(version);
      await db.transaction(async (tx) => {
        await requireRegisteredModel(tx, name);
        await requireModelVersion(tx, name, number);
        // One upsert: a reader sees the alias on the old version or on the new one, never neither.
        await tx.query(
          `INSERT INTO registered_model_aliases (name, alias, version) VALUES ($1, $2, $3)
           ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version`,
          [name, alias, number],
        );
      });
      return {};
    },

    async deleteRegisteredModelAlias({ name, alias }: OperationRequest<'deleteRegisteredModelAlias'>): Promise<OperationResponse<'deleteRegisteredModelAlias'>> {
      validateAlias(alias);
      await db.transaction(async (tx) => {
        await requireRegisteredModel(tx, name);
        await tx.query('DELETE FROM registered_model_aliases WHERE name = $1 AND alias = $2', [name, alias]);
      });
      return {};
    },

    async getModelVersionByAlias({ name, alias }: OperationRequest<'getModelVersionByAlias'>): Promise<OperationResponse<'getModelVersionByAlias'>> {
      validateAlias(alias);
      const { rows } = await db.query<{ version: number }>('SELECT version FROM registered_model_aliases WHERE name = $1 AND alias = $2', [name, alias]);
      const [row] = rows;
      // MLflow answers an unknown alias with INVALID_PARAMETER_VALUE, not RESOURCE_DOES_NOT_EXIST.
      if (row === undefined) throw MlflowError.invalidParameter(`Registered model alias ${alias} not found.`);
      return { model_version: await readModelVersion(db, name, row.version) };
    },
  };
}

export type RegisteredModelStore = ReturnType<typeof createRegisteredModelStore>;
