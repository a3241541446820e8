import { z } from 'zod';
import { DoubleOut } from './wire.js';

/*
 * MLflow's entities as they appear in responses (`service.proto`, `model_registry.proto`):
 * snake_case names, int64 timestamps as JSON numbers in milliseconds since the epoch, enums by
 * name, and every unset field left out rather than sent as null.
 */

export const RUN_STATUSES = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const;
export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;

export const VIEW_TYPES = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const;
export const ViewType = z.enum(VIEW_TYPES);
export type ViewType = z.infer<typeof ViewType>;

export const LIFECYCLE_STAGES = ['active', 'deleted'] as const;
export const LifecycleStage = z.enum(LIFECYCLE_STAGES);
export type LifecycleStage = z.infer<typeof LifecycleStage>;

export const MODEL_VERSION_STATUSES = ['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY'] as const;
export const ModelVersionStatus = z.enum(MODEL_VERSION_STATUSES);
export type ModelVersionStatus = z.infer<typeof ModelVersionStatus>;

/** Model version stages, in MLflow's canonical spelling; requests may use any case. */
export const MODEL_VERSION_STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;
export const ModelVersionStage = z.enum(MODEL_VERSION_STAGES);
export type ModelVersionStage = z.infer<typeof ModelVersionStage>;

const KeyValue = z.object({ key: z.string(), value: z.string() });

export const ExperimentTag = KeyValue.meta({ id: 'ExperimentTag' });
export type ExperimentTag = z.infer<typeof ExperimentTag>;
export const RunTag = KeyValue.meta({ id: 'RunTag' });
export type RunTag = z.infer<typeof RunTag>;
export const Param = KeyValue.meta({ id: 'Param' });
export type Param = z.infer<typeof Param>;
export const RegisteredModelTag = KeyValue.meta({ id: 'RegisteredModelTag' });
export type RegisteredModelTag = z.infer<typeof RegisteredModelTag>;
export const ModelVersionTag = KeyValue.meta({ id: 'ModelVersionTag' });
export type ModelVersionTag = z.infer<typeof ModelVersionTag>;
export const InputTag = KeyValue.meta({ id: 'InputTag' });
export type InputTag = z.infer<typeof InputTag>;

export const Metric = z
  .object({
    key: z.string(),
    value: DoubleOut,
    timestamp: z.number().int(),
    step: z.number().int(),
  })
  .meta({ id: 'Metric' });
export type Metric = z.infer<typeof Metric>;

export const Experiment = z
  .object({
    experiment_id: z.string(),
    name: z.string(),
    artifact_location: z.string(),
    lifecycle_stage: LifecycleStage,
    last_update_time: z.number().int().optional(),
    creation_time: z.number().int().optional(),
    tags: z.array(ExperimentTag).optional(),
  })
  .meta({ id: 'Experiment' });
export type Experiment = z.infer<typeof Experiment>;

export const RunInfo = z
  .object({
    run_id: z.string(),
    run_uuid: z.string().describe('Deprecated alias of run_id, still read by older clients.'),
    run_name: z.string().optional(),
    experiment_id: z.string(),
    user_id: z.string(),
    status: RunStatus,
    start_time: z.number().int().optional(),
    end_time: z.number().int().optional(),
    artifact_uri: z.string().optional(),
    lifecycle_stage: LifecycleStage,
  })
  .meta({ id: 'RunInfo' });
export type RunInfo = z.infer<typeof RunInfo>;

export const RunData = z
  .object({
    metrics: z.array(Metric).optional().describe('The latest value of each metric.'),
    params: z.array(Param).optional(),
    tags: z.array(RunTag).optional(),
  })
  .meta({ id: 'RunData' });
export type RunData = z.infer<typeof RunData>;

export const Dataset = z
  .object({
    name: z.string(),
    digest: z.string(),
    source_type: z.string(),
    source: z.string(),
    schema: z.string().optional(),
    profile: z.string().optional(),
  })
  .meta({ id: 'Dataset' });
export type Dataset = z.infer<typeof Dataset>;

export const DatasetInput = z
  .object({ tags: z.array(InputTag).optional(), dataset: Dataset })
  .meta({ id: 'DatasetInput' });
export type DatasetInput = z.infer<typeof DatasetInput>;

export const RunInputs = z.object({ dataset_inputs: z.array(DatasetInput).optional() }).meta({ id: 'RunInputs' });
export type RunInputs = z.infer<typeof RunInputs>;

export const Run = z.object({ info: RunInfo, data: RunData, inputs: RunInputs }).meta({ id: 'Run' });
export type Run = z.infer<typeof Run>;

export const FileInfo = z
  .object({ path: z.string(), is_dir: z.boolean(), file_size: z.number().int().optional() })
  .meta({ id: 'FileInfo' });
export type FileInfo = z.infer<typeof FileInfo>;

export const ModelVersion = z
  .object({
    name: z.string(),
    version: z.string().describe('The version number, as a decimal string.'),
    creation_timestamp: z.number().int(),
    last_updated_timestamp: z.number().int().optional(),
    user_id: z.string().optional(),
    current_stage: z.string().optional(),
    description: z.string().optional(),
    source: z.string().optional(),
    run_id: z.string().optional(),
    status: ModelVersionStatus.optional(),
    status_message: z.string().optional(),
    tags: z.array(ModelVersionTag).optional(),
    run_link: z.string().optional(),
    aliases: z.array(z.string()).optional(),
  })
  .meta({ id: 'ModelVersion' });
export type ModelVersion = z.infer<typeof ModelVersion>;

export const RegisteredModelAlias = z
  .object({ alias: z.string(), version: z.string() })
  .meta({ id: 'RegisteredModelAlias' });
export type RegisteredModelAlias = z.infer<typeof RegisteredModelAlias>;

export const RegisteredModel = z
  .object({
    name: z.string(),
    creation_timestamp: z.number().int().optional(),
    last_updated_timestamp: z.number().int().optional(),
    user_id: z.string().optional(),
    description: z.string().optional(),
    latest_versions: z.array(ModelVersion).optional().describe('The highest version in each stage.'),
    tags: z.array(RegisteredModelTag).optional(),
    aliases: z.array(RegisteredModelAlias).optional(),
  })
  .meta({ id: 'RegisteredModel' });
export type RegisteredModel = z.infer<typeof RegisteredModel>;
