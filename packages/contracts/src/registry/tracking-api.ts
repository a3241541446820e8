import { z } from 'zod';
import { Experiment, FileInfo, Metric, Run, RunInfo } from './entities.js';
import { Double, Int32, Int64, RequiredString, protoEnum, repeated } from './wire.js';

/*
 * Requests and responses of MLflow's tracking API (`service.proto`, MlflowService). Request
 * schemas accept what MLflow's server accepts; response schemas describe what it answers.
 * `run_uuid` is the deprecated spelling of `run_id` that older clients still send.
 */

const KeyValueIn = z.object({ key: RequiredString, value: z.string().optional() });

export const RunStatusIn = protoEnum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'] as const, {
  1: 'RUNNING',
  2: 'SCHEDULED',
  3: 'FINISHED',
  4: 'FAILED',
  5: 'KILLED',
});
export const ViewTypeIn = protoEnum(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const, { 1: 'ACTIVE_ONLY', 2: 'DELETED_ONLY', 3: 'ALL' });

// --- experiments --------------------------------------------------------------------------

export const CreateExperimentRequest = z
  .object({ name: RequiredString, artifact_location: z.string().optional(), tags: repeated(KeyValueIn).optional() })
  .meta({ id: 'CreateExperimentRequest' });
export type CreateExperimentRequest = z.infer<typeof CreateExperimentRequest>;
export const CreateExperimentResponse = z.object({ experiment_id: z.string() }).meta({ id: 'CreateExperimentResponse' });
export type CreateExperimentResponse = z.infer<typeof CreateExperimentResponse>;

export const GetExperimentRequest = z.object({ experiment_id: RequiredString }).meta({ id: 'GetExperimentRequest' });
export type GetExperimentRequest = z.infer<typeof GetExperimentRequest>;
export const GetExperimentResponse = z.object({ experiment: Experiment }).meta({ id: 'GetExperimentResponse' });
export type GetExperimentResponse = z.infer<typeof GetExperimentResponse>;

export const GetExperimentByNameRequest = z.object({ experiment_name: RequiredString }).meta({ id: 'GetExperimentByNameRequest' });
export type GetExperimentByNameRequest = z.infer<typeof GetExperimentByNameRequest>;

export const SearchExperimentsRequest = z
  .object({
    max_results: Int64.optional(),
    page_token: z.string().optional(),
    filter: z.string().optional(),
    order_by: repeated(z.string()).optional(),
    view_type: ViewTypeIn.optional(),
  })
  .meta({ id: 'SearchExperimentsRequest' });
export type SearchExperimentsRequest = z.infer<typeof SearchExperimentsRequest>;
export const SearchExperimentsResponse = z
  .object({ experiments: z.array(Experiment).optional(), next_page_token: z.string().optional() })
  .meta({ id: 'SearchExperimentsResponse' });
export type SearchExperimentsResponse = z.infer<typeof SearchExperimentsResponse>;

export const ExperimentIdRequest = z.object({ experiment_id: RequiredString }).meta({ id: 'ExperimentIdRequest' });
export type ExperimentIdRequest = z.infer<typeof ExperimentIdRequest>;

export const UpdateExperimentRequest = z
  .object({ experiment_id: RequiredString, new_name: RequiredString })
  .meta({ id: 'UpdateExperimentRequest' });
export type UpdateExperimentRequest = z.infer<typeof UpdateExperimentRequest>;

export const SetExperimentTagRequest = z
  .object({ experiment_id: RequiredString, key: RequiredString, value: z.string().optional() })
  .meta({ id: 'SetExperimentTagRequest' });
export type SetExperimentTagRequest = z.infer<typeof SetExperimentTagRequest>;

// --- runs ---------------------------------------------------------------------------------

export const CreateRunRequest = z
  .object({
    experiment_id: z.string().optional(),
    user_id: z.string().optional(),
    run_name: z.string().optional(),
    start_time: Int64.optional(),
    tags: repeated(KeyValueIn).optional(),
  })
  .meta({ id: 'CreateRunRequest' });
export type CreateRunRequest = z.infer<typeof CreateRunRequest>;
export const RunResponse = z.object({ run: Run }).meta({ id: 'RunResponse' });
export type RunResponse = z.infer<typeof RunResponse>;

/** Identifies a run by `run_id` or its deprecated spelling `run_uuid`. */
const RunRef = { run_id: z.string().optional(), run_uuid: z.string().optional() };

export const UpdateRunRequest = z
  .object({ ...RunRef, status: RunStatusIn.optional(), end_time: Int64.optional(), run_name: z.string().optional() })
  .meta({ id: 'UpdateRunRequest' });
export type UpdateRunRequest = z.infer<typeof UpdateRunRequest>;
export const UpdateRunResponse = z.object({ run_info: RunInfo }).meta({ id: 'UpdateRunResponse' });
export type UpdateRunResponse = z.infer<typeof UpdateRunResponse>;

export const RunIdRequest = z.object({ run_id: RequiredString }).meta({ id: 'RunIdRequest' });
export type RunIdRequest = z.infer<typeof RunIdRequest>;

export const GetRunRequest = z.object(RunRef).meta({ id: 'GetRunRequest' });
export type GetRunRequest = z.infer<typeof GetRunRequest>;

export const LogMetricRequest = z
  .object({ ...RunRef, key: RequiredString, value: Double, timestamp: Int64, step: Int64.optional() })
  .meta({ id: 'LogMetricRequest' });
export type LogMetricRequest = z.infer<typeof LogMetricRequest>;

export const LogParamRequest = z
  .object({ ...RunRef, key: RequiredString, value: z.string().optional() })
  .meta({ id: 'LogParamRequest' });
export type LogParamRequest = z.infer<typeof LogParamRequest>;

export const SetTagRequest = z
  .object({ ...RunRef, key: RequiredString, value: z.string().optional() })
  .meta({ id: 'SetTagRequest' });
export type SetTagRequest = z.infer<typeof SetTagRequest>;

export const DeleteTagRequest = z.object({ run_id: RequiredString, key: RequiredString }).meta({ id: 'DeleteTagRequest' });
export type DeleteTagRequest = z.infer<typeof DeleteTagRequest>;

export const MetricIn = z
  .object({ key: RequiredString, value: Double, timestamp: Int64, step: Int64.optional() })
  .meta({ id: 'MetricIn' });
export type MetricIn = z.infer<typeof MetricIn>;

export const LogBatchRequest = z
  .object({
    run_id: RequiredString,
    metrics: repeated(MetricIn).optional(),
    params: repeated(KeyValueIn).optional(),
    tags: repeated(KeyValueIn).optional(),
  })
  .meta({ id: 'LogBatchRequest' });
export type LogBatchRequest = z.infer<typeof LogBatchRequest>;

export const DatasetIn = z.object({
  name: RequiredString,
  digest: RequiredString,
  source_type: RequiredString,
  source: RequiredString,
  schema: z.string().optional(),
  profile: z.string().optional(),
});
export const DatasetInputIn = z.object({
  tags: repeated(z.object({ key: RequiredString, value: RequiredString })).optional(),
  dataset: DatasetIn,
});
export type DatasetInputIn = z.infer<typeof DatasetInputIn>;

export const LogInputsRequest = z
  .object({ run_id: RequiredString, datasets: repeated(DatasetInputIn).optional() })
  .meta({ id: 'LogInputsRequest' });
export type LogInputsRequest = z.infer<typeof LogInputsRequest>;

export const LogModelRequest = z.object({ run_id: RequiredString, model_json: RequiredString }).meta({ id: 'LogModelRequest' });
export type LogModelRequest = z.infer<typeof LogModelRequest>;

export const SearchRunsRequest = z
  .object({
    experiment_ids: repeated(z.string()).optional(),
    filter: z.string().optional(),
    run_view_type: ViewTypeIn.optional(),
    max_results: Int32.optional(),
    order_by: repeated(z.string()).optional(),
    page_token: z.string().optional(),
  })
  .meta({ id: 'SearchRunsRequest' });
export type SearchRunsRequest = z.infer<typeof SearchRunsRequest>;
export const SearchRunsResponse = z
  .object({ runs: z.array(Run).optional(), next_page_token: z.string().optional() })
  .meta({ id: 'SearchRunsResponse' });
export type SearchRunsResponse = z.infer<typeof SearchRunsResponse>;

export const GetMetricHistoryRequest = z
  .object({ ...RunRef, metric_key: RequiredString, page_token: z.string().optional(), max_results: Int32.optional() })
  .meta({ id: 'GetMetricHistoryRequest' });
export type GetMetricHistoryRequest = z.infer<typeof GetMetricHistoryRequest>;
export const GetMetricHistoryResponse = z
  .object({ metrics: z.array(Metric).optional(), next_page_token: z.string().optional() })
  .meta({ id: 'GetMetricHistoryResponse' });
export type GetMetricHistoryResponse = z.infer<typeof GetMetricHistoryResponse>;

export const ListArtifactsRequest = z
  .object({ ...RunRef, path: z.string().optional(), page_token: z.string().optional() })
  .meta({ id: 'ListArtifactsRequest' });
export type ListArtifactsRequest = z.infer<typeof ListArtifactsRequest>;
export const ListArtifactsResponse = z
  .object({ root_uri: z.string().optional(), files: z.array(FileInfo).optional(), next_page_token: z.string().optional() })
  .meta({ id: 'ListArtifactsResponse' });
export type ListArtifactsResponse = z.infer<typeof ListArtifactsResponse>;
