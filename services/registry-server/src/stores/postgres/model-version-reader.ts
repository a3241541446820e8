import { MlflowError, type ModelVersion, type ModelVersionStatus, type RegisteredModel } from '@payments-mlops/contracts';
import type { Queryable } from './db.js';

/* Reads model versions and registered models, with their tags and aliases, one row per entity. */

interface ModelVersionRow {
  name: string;
  version: number;
  creation_time: string;
  last_updated_time: string;
  description: string | null;
  user_id: string | null;
  current_stage: string;
  source: string;
  run_id: string | null;
  run_link: string | null;
  status: ModelVersionStatus;
  status_message: string | null;
  tags: [string, string][] | null;
  aliases: string[] | null;
}

export const MODEL_VERSION_COLUMNS = `v.name, v.version, v.creation_time::text AS creation_time,
  v.last_updated_time::text AS last_updated_time, v.description, v.user_id, v.current_stage, v.source,
  v.run_id, v.run_link, v.status, v.status_message,
  (SELECT json_agg(json_build_array(t.key, t.value) ORDER BY t.key)
     FROM model_version_tags t WHERE t.name = v.name AND t.version = v.version) AS tags,
  (SELECT json_agg(a.alias ORDER BY a.alias)
     FROM registered_model_aliases a WHERE a.name = v.name AND a.version = v.version) AS aliases`;

export function toModelVersion(row: ModelVersionRow): ModelVersion {
  const version: ModelVersion = {
    name: row.name,
    version: String(row.version),
    creation_timestamp: Number(row.creation_time),
    last_updated_timestamp: Number(row.last_updated_time),
    current_stage: row.current_stage,
    source: row.source,
    status: row.status,
  };
  if (row.description !== null) version.description = row.description;
  if (row.user_id !== null) version.user_id = row.user_id;
  if (row.run_id !== null) version.run_id = row.run_id;
  if (row.run_link !== null) version.run_link = row.run_link;
  if (row.status_message) version.status_message = row.status_message;
  if (row.tags) version.tags = row.tags.map(([key, value]) => ({ key, value }));
  if (row.aliases) version.aliases = row.aliases;
  return version;
}

export async function readModelVersion(db: Queryable, name: string, version: number): Promise<ModelVersion> {
  const { rows } = await db.query<ModelVersionRow>(`SELECT ${MODEL_VERSION_COLUMNS} FROM model_versions v WHERE v.name = $1 AND v.version = $2`, [name, version]);
  const [row] = rows;
  if (row === undefined) throw MlflowError.notFound(`Model Version (name=${name}, version=${version}) not found`);
  return toModelVersion(row);
}

/** Throws unless the version exists, and keeps it from being deleted until the transaction ends. */
export async function requireModelVersion(tx: Queryable, name: string, version: number): Promise<void> {
  const { rowCount } = await tx.query('SELECT 1 FROM model_versions WHERE name = $1 AND version = $2 FOR KEY SHARE', [name, version]);
  if (rowCount === 0) throw MlflowError.notFound(`Model Version (name=${name}, version=${version}) not found`);
}

export async function readModelVersionsWhere(db: Queryable, where: string, values: readonly unknown[], orderBy: string): Promise<ModelVersion[]> {
  const { rows } = await db.query<ModelVersionRow>(`SELECT ${MODEL_VERSION_COLUMNS} FROM model_versions v WHERE ${where} ORDER BY ${orderBy}`, values);
  return rows.map(toModelVersion);
}

interface RegisteredModelRow {
  name: string;
  creation_time: string;
  last_updated_time: string;
  description: string | null;
  tags: [string, string][] | null;
  aliases: [string, number][] | null;
  latest_versions: ModelVersionRow[] | null;
}

// The highest version in each stage, MLflow's `latest_versions`.
const REGISTERED_MODEL_COLUMNS = `m.name, m.creation_time::text AS creation_time, m.last_updated_time::text AS last_updated_time, m.description,
  (SELECT json_agg(json_build_array(t.key, t.value) ORDER BY t.key) FROM registered_model_tags t WHERE t.name = m.name) AS tags,
  (SELECT json_agg(json_build_array(a.alias, a.version) ORDER BY a.alias) FROM registered_model_aliases a WHERE a.name = m.name) AS aliases,
  (SELECT json_agg(to_json(latest) ORDER BY latest.version)
     FROM (SELECT DISTINCT ON (v.current_stage) ${MODEL_VERSION_COLUMNS}
             FROM model_versions v WHERE v.name = m.name ORDER BY v.current_stage, v.version DESC) latest) AS latest_versions`;

function toRegisteredModel(row: RegisteredModelRow): RegisteredModel {
  const model: RegisteredModel = {
    name: row.name,
    creation_timestamp: Number(row.creation_time),
    last_updated_timestamp: Number(row.last_updated_time),
  };
  if (row.description) model.description = row.description;
  if (row.latest_versions) model.latest_versions = row.latest_versions.map(toModelVersion);
  if (row.tags) model.tags = row.tags.map(([key, value]) => ({ key, value }));
  if (row.aliases) model.aliases = row.aliases.map(([alias, version]) => ({ alias, version: String(version) }));
  return model;
}

export async function readRegisteredModel(db: Queryable, name: string): Promise<RegisteredModel> {
  const { rows } = await db.query<RegisteredModelRow>(`SELECT ${REGISTERED_MODEL_COLUMNS} FROM registered_models m WHERE m.name = $1`, [name]);
  const [row] = rows;
  if (row === undefined) throw MlflowError.notFound(`Registered Model with name=${name} not found`);
  return toRegisteredModel(row);
}

export async function readRegisteredModelsWhere(db: Queryable, sql: { where: string; orderBy: string; limit: string; offset: string }, values: readonly unknown[]): Promise<RegisteredModel[]> {
  const { rows } = await db.query<RegisteredModelRow>(
    `SELECT ${REGISTERED_MODEL_COLUMNS} FROM registered_models m WHERE ${sql.where} ORDER BY ${sql.orderBy} LIMIT ${sql.limit} OFFSET ${sql.offset}`,
    values,
  );
  return rows.map(toRegisteredModel);
}
