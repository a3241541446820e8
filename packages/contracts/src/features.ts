import { z } from 'zod';
import { Timestamp } from './common.js';

// ---------------------------------------------------------------------------------------------
// Feature definitions: what `feature-repo/` holds, what `apply` stores in the registry and what
// every reader (feature-server, trainer, ml-serving) loads back. Names follow Feast's: entities,
// data sources, feature views, stream feature views, on-demand feature views, feature services.
// ---------------------------------------------------------------------------------------------

/** Names of definitions and features: snake_case, so they are valid SQL identifiers and metric labels. */
export const DefinitionName = z
  .string()
  .max(96)
  .regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case: a lowercase letter, then lowercase letters, digits or _');
export type DefinitionName = z.infer<typeof DefinitionName>;

/** A span of time: `90s`, `5m`, `1h`, `30d`. */
export const FeatureDuration = z.string().regex(/^[1-9][0-9]*(s|m|h|d)$/, 'must be a duration such as 90s, 5m, 1h or 30d');
export type FeatureDuration = z.infer<typeof FeatureDuration>;

/** Feature value types, spelled as Feast spells them. UnixTimestamp values are epoch milliseconds. */
export const FEATURE_VALUE_TYPES = ['Int64', 'Float64', 'String', 'Bool', 'UnixTimestamp', 'Array(String)'] as const;
export const FeatureValueType = z.enum(FEATURE_VALUE_TYPES);
export type FeatureValueType = z.infer<typeof FeatureValueType>;

const Described = {
  description: z.string().max(2000).default(''),
  owner: z.string().max(200).optional(),
  tags: z.record(z.string(), z.string()).default({}),
};

export const FeatureField = z.strictObject({ name: DefinitionName, dtype: FeatureValueType, description: z.string().max(2000).optional() });
export type FeatureField = z.infer<typeof FeatureField>;

/** The thing features describe; its join key is the column (and request field) that identifies it. */
export const Entity = z.strictObject({
  name: DefinitionName,
  join_key: DefinitionName,
  ...Described,
});
export type Entity = z.infer<typeof Entity>;

/** A SQL identifier, optionally schema-qualified: `payment_events`, `marts.merchant_daily`. */
const TableName = z.string().regex(/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/, 'must be a table name such as payment_events or marts.daily');

/** A table or query in the Postgres warehouse (the offline store). */
export const PostgresSource = z
  .strictObject({
    name: DefinitionName,
    type: z.literal('postgres'),
    table: TableName.optional(),
    query: z.string().min(1).optional(),
    timestamp_field: DefinitionName,
    /** Source column → feature name, for columns whose feature is named differently (as Feast's field_mapping). */
    field_mapping: z.record(DefinitionName, DefinitionName).default({}),
    ...Described,
  })
  .refine((s) => (s.table === undefined) !== (s.query === undefined), { message: 'set exactly one of table or query', path: ['table'] });
export type PostgresSource = z.infer<typeof PostgresSource>;

/** Columns of an event stream that aggregations may read and filter on. */
export const STREAM_FIELD_TYPES = ['String', 'Int64', 'Float64', 'Bool'] as const;
export const StreamFieldType = z.enum(STREAM_FIELD_TYPES);
export type StreamFieldType = z.infer<typeof StreamFieldType>;

/** A Kafka topic of JSON events whose history lands in `batch_source`; both carry the same fields. */
export const KafkaSource = z.strictObject({
  name: DefinitionName,
  type: z.literal('kafka'),
  topic: z.string().regex(/^[A-Za-z0-9._-]+$/, 'must be a Kafka topic name'),
  batch_source: DefinitionName,
  timestamp_field: DefinitionName,
  /** Redelivered or duplicated events carry the same value here; each is counted once. */
  dedupe_field: DefinitionName,
  fields: z.record(DefinitionName, StreamFieldType),
  ...Described,
});
export type KafkaSource = z.infer<typeof KafkaSource>;

/** Rows pushed through `POST /push`; with `to: offline` they are appended to `batch_source`'s table. */
export const PushSource = z.strictObject({
  name: DefinitionName,
  type: z.literal('push'),
  batch_source: DefinitionName,
  ...Described,
});
export type PushSource = z.infer<typeof PushSource>;

/** Fields the caller sends with the request (the payment being scored). */
export const RequestSource = z.strictObject({
  name: DefinitionName,
  type: z.literal('request'),
  schema: z.array(FeatureField).min(1),
  ...Described,
});
export type RequestSource = z.infer<typeof RequestSource>;

export const DataSource = z.discriminatedUnion('type', [PostgresSource, KafkaSource, PushSource, RequestSource]);
export type DataSource = z.infer<typeof DataSource>;

/** A batch feature view: the latest row per entity at or before a time, within `ttl`. */
export const FeatureView = z.strictObject({
  name: DefinitionName,
  entities: z.array(DefinitionName).length(1, 'must name exactly one entity'),
  ttl: FeatureDuration,
  source: DefinitionName,
  schema: z.array(FeatureField).min(1),
  online: z.boolean().default(true),
  ...Described,
});
export type FeatureView = z.infer<typeof FeatureView>;

/** `filter` conditions on stream fields: a value, a list of values, or `{not: …}` of either. */
const FilterScalar = z.union([z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'must be a plain value'), z.boolean(), z.number()]);
const FilterValues = z.union([FilterScalar, z.array(FilterScalar).min(1)]);
export const AggregationFilter = z.record(DefinitionName, z.union([FilterValues, z.strictObject({ not: FilterValues })]));
export type AggregationFilter = z.infer<typeof AggregationFilter>;

/**
 * count, sum, avg, stddev (population) and rate (share of events matching `where`) add up per
 * time bucket; distinct_count and distinct_values keep each value's latest time; first_time,
 * last_time and last keep one event. Only the latter kinds may use the `lifetime` window.
 */
export const AGGREGATION_FUNCTIONS = [
  'count', 'sum', 'avg', 'stddev', 'rate', 'distinct_count', 'distinct_values', 'first_time', 'last_time', 'last',
] as const;
export const AggregationFunction = z.enum(AGGREGATION_FUNCTIONS);
export type AggregationFunction = z.infer<typeof AggregationFunction>;

export const Aggregation = z.strictObject({
  name: DefinitionName,
  function: AggregationFunction,
  column: DefinitionName.optional(),
  time_window: z.union([FeatureDuration, z.literal('lifetime')]),
  /** Which events count at all. */
  filter: AggregationFilter.optional(),
  /** For `rate`: the events counted in the numerator. */
  where: AggregationFilter.optional(),
  description: z.string().max(2000).optional(),
});
export type Aggregation = z.infer<typeof Aggregation>;

/**
 * Window aggregates over an event stream, defined once: compiled to SQL over the stream's batch
 * source for training and maintained in the online store from the stream for serving.
 */
export const StreamFeatureView = z.strictObject({
  name: DefinitionName,
  entities: z.array(DefinitionName).length(1, 'must name exactly one entity'),
  source: DefinitionName,
  aggregations: z.array(Aggregation).min(1),
  online: z.boolean().default(true),
  ...Described,
});
export type StreamFeatureView = z.infer<typeof StreamFeatureView>;

/** Features computed at request time by a named transformation of @payments-mlops/feature-store. */
export const OnDemandFeatureView = z.strictObject({
  name: DefinitionName,
  transformation: DefinitionName,
  sources: z.array(DefinitionName).min(1),
  schema: z.array(FeatureField).min(1),
  ...Described,
});
export type OnDemandFeatureView = z.infer<typeof OnDemandFeatureView>;

/** `view` (every feature of it) or `{view: [feature, …]}`. */
export const FeatureSelection = z.union([
  DefinitionName,
  z.record(DefinitionName, z.array(DefinitionName).min(1)).refine((r) => Object.keys(r).length === 1, 'must name one view'),
]);
export type FeatureSelection = z.infer<typeof FeatureSelection>;

/** The features one model reads, by model: fraud, churn, retry, recovery. */
export const FeatureService = z.strictObject({
  name: DefinitionName,
  features: z.array(FeatureSelection).min(1),
  ...Described,
});
export type FeatureService = z.infer<typeof FeatureService>;

/** `feature_store.yaml`. Connection strings come from the environment (REDIS_URL, WAREHOUSE_DATABASE_URL). */
export const FeatureStoreConfig = z.strictObject({
  project: DefinitionName,
  registry: z
    .strictObject({
      type: z.literal('postgres'),
      schema: DefinitionName.default('feature_store'),
      cache_ttl_seconds: z.number().positive().max(3600).default(2),
    })
    .prefault({ type: 'postgres' }),
  online_store: z
    .strictObject({ type: z.literal('redis'), key_prefix: z.string().max(64).default('fs:') })
    .prefault({ type: 'redis' }),
  offline_store: z.strictObject({ type: z.literal('postgres') }).prefault({ type: 'postgres' }),
  materialization: z
    .strictObject({ incremental_interval: FeatureDuration.default('5m') })
    .prefault({}),
});
export type FeatureStoreConfig = z.infer<typeof FeatureStoreConfig>;

/** Every definition of a project: what `apply` validates, diffs and stores as one version. */
export const FeatureRepo = z
  .strictObject({
    config: FeatureStoreConfig,
    entities: z.array(Entity).default([]),
    data_sources: z.array(DataSource).default([]),
    feature_views: z.array(FeatureView).default([]),
    stream_feature_views: z.array(StreamFeatureView).default([]),
    on_demand_feature_views: z.array(OnDemandFeatureView).default([]),
    feature_services: z.array(FeatureService).default([]),
  })
  .meta({ id: 'FeatureRepo' });
export type FeatureRepo = z.infer<typeof FeatureRepo>;

/** One stored version of a project's definitions. */
export const RegistryVersion = z
  .object({
    project: DefinitionName,
    version: z.number().int().positive(),
    digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
    applied_at: Timestamp,
    applied_by: z.string(),
    repo: FeatureRepo,
  })
  .meta({ id: 'RegistryVersion' });
export type RegistryVersion = z.infer<typeof RegistryVersion>;

// ---------------------------------------------------------------------------------------------
// The feature server's HTTP API, shaped as Feast's feature server so Feast clients work.
// ---------------------------------------------------------------------------------------------

/** `view:feature`, as Feast references features. */
export const FeatureReference = z
  .string()
  .regex(/^[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$/, 'must be view:feature, e.g. customer_activity:customer_payments_1h');
export type FeatureReference = z.infer<typeof FeatureReference>;

export const FEATURE_STATUSES = ['PRESENT', 'NOT_FOUND', 'NULL_VALUE', 'OUTSIDE_MAX_AGE'] as const;
export const FeatureStatus = z.enum(FEATURE_STATUSES);
export type FeatureStatus = z.infer<typeof FeatureStatus>;

export const FeatureValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);
export type FeatureValue = z.infer<typeof FeatureValue>;

/** Column-oriented as Feast's: one array per entity key (and request field), all of one length. */
const EntityColumns = z
  .record(z.string().min(1).max(96), z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])).min(1).max(10_000))
  .refine((columns) => Object.keys(columns).length > 0, 'must name at least one entity key');

export const GetOnlineFeaturesRequest = z
  .object({
    features: z.array(FeatureReference).min(1).max(2000).optional().describe('Features by reference (`view:feature`); set this or feature_service, not both.'),
    feature_service: DefinitionName.optional().describe('A feature service by name; set this or features, not both.'),
    /** Entity keys, and request fields for on-demand features, as Feast takes both. */
    entities: EntityColumns,
    full_feature_names: z.boolean().default(false),
  })
  .superRefine((request, ctx) => {
    if ((request.features === undefined) === (request.feature_service === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['features'], message: 'set exactly one of features or feature_service' });
    }
    const lengths = new Set(Object.values(request.entities).map((column) => column.length));
    if (lengths.size > 1) {
      ctx.addIssue({ code: 'custom', path: ['entities'], message: 'every entity column must have the same length' });
    }
  })
  // The rule across fields stays out of the document (a `oneOf` of two `required`): with it,
  // schemathesis' coverage phase failed now and then inside hypothesis ("Inconsistent results").
  .meta({ id: 'GetOnlineFeaturesRequest' });
export type GetOnlineFeaturesRequest = z.infer<typeof GetOnlineFeaturesRequest>;

/** One column of the answer: the requested entity keys first, then each feature. */
export const FeatureColumn = z.object({
  values: z.array(FeatureValue),
  statuses: z.array(FeatureStatus),
  /** ISO 8601; the epoch for entity keys and for values that were not found. */
  event_timestamps: z.array(z.string()),
});
export type FeatureColumn = z.infer<typeof FeatureColumn>;

export const GetOnlineFeaturesResponse = z
  .object({
    metadata: z.object({ feature_names: z.array(z.string()) }),
    results: z.array(FeatureColumn),
  })
  .meta({ id: 'GetOnlineFeaturesResponse' });
export type GetOnlineFeaturesResponse = z.infer<typeof GetOnlineFeaturesResponse>;

export const PushTarget = z.enum(['online', 'offline', 'online_and_offline']);
export type PushTarget = z.infer<typeof PushTarget>;

export const PushRequest = z
  .object({
    push_source_name: DefinitionName,
    /** Column-oriented rows: the entity key, the source's timestamp field and the features. */
    df: z.record(z.string(), z.array(z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()])).min(1).max(10_000)),
    to: PushTarget.default('online'),
    allow_registry_cache: z.boolean().default(true),
  })
  .meta({ id: 'PushRequest' });
export type PushRequest = z.infer<typeof PushRequest>;

export const PushResponse = z.object({ rows: z.number().int(), written_online: z.number().int(), written_offline: z.number().int() }).meta({ id: 'PushResponse' });
export type PushResponse = z.infer<typeof PushResponse>;

export const MaterializeRequest = z
  .object({ start_ts: Timestamp, end_ts: Timestamp, feature_views: z.array(DefinitionName).optional() })
  .refine((r) => Date.parse(r.start_ts) < Date.parse(r.end_ts), { message: 'must be after start_ts', path: ['end_ts'] })
  .meta({ id: 'MaterializeRequest' });
export type MaterializeRequest = z.infer<typeof MaterializeRequest>;

export const MaterializeIncrementalRequest = z
  .object({ end_ts: Timestamp, feature_views: z.array(DefinitionName).optional() })
  .meta({ id: 'MaterializeIncrementalRequest' });
export type MaterializeIncrementalRequest = z.infer<typeof MaterializeIncrementalRequest>;

export const MaterializedView = z.object({
  feature_view: DefinitionName,
  start_ts: Timestamp,
  end_ts: Timestamp,
  rows: z.number().int().nonnegative(),
  written: z.number().int().nonnegative().describe('Rows that replaced an older value; the rest were already as new.'),
  duration_seconds: z.number().nonnegative(),
});
export type MaterializedView = z.infer<typeof MaterializedView>;

export const MaterializeResponse = z.object({ views: z.array(MaterializedView) }).meta({ id: 'MaterializeResponse' });
export type MaterializeResponse = z.infer<typeof MaterializeResponse>;

// ---------------------------------------------------------------------------------------------
// Training datasets and the stream's dead letters.
// ---------------------------------------------------------------------------------------------

export const DatasetColumn = z.object({ name: z.string(), dtype: z.union([FeatureValueType, z.literal('Timestamp')]) });
export type DatasetColumn = z.infer<typeof DatasetColumn>;

/**
 * Describes one exported training dataset. The digest is the sha256 of the data object's bytes,
 * so a model version that records it names exactly the rows it was trained on.
 */
export const DatasetManifest = z
  .object({
    name: DefinitionName,
    format: z.literal('parquet').describe('Apache Parquet, snappy-compressed; one column per entity key, timestamp, request field and feature.'),
    digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
    location: z.string().describe('s3://bucket/key of the data object.'),
    bytes: z.number().int().nonnegative(),
    rows: z.number().int().nonnegative(),
    columns: z.array(DatasetColumn),
    project: DefinitionName,
    registry_version: z.number().int().positive(),
    feature_service: DefinitionName.nullable(),
    features: z.array(FeatureReference),
    created_at: Timestamp,
  })
  .meta({ id: 'DatasetManifest' });
export type DatasetManifest = z.infer<typeof DatasetManifest>;

/** Topics of the feature store: where the stream consumer parks what it cannot process. */
export const FEATURE_TOPICS = { deadLetter: 'features.dead-letter' } as const;

export const DeadLetter = z
  .object({
    source_topic: z.string(),
    partition: z.number().int().nonnegative(),
    offset: z.string(),
    key: z.string().nullable(),
    /** The original message value, as received (UTF-8; invalid bytes replaced). */
    value: z.string().nullable(),
    reason: z.string(),
    consumer_group: z.string(),
    failed_at: Timestamp,
  })
  .meta({ id: 'DeadLetter' });
export type DeadLetter = z.infer<typeof DeadLetter>;
