import type { z } from 'zod';
import { ModelVersionLineage } from './lineage.js';
import {
  CreateModelVersionRequest,
  CreateRegisteredModelRequest,
  DeleteModelVersionTagRequest,
  DeleteRegisteredModelTagRequest,
  GetLatestVersionsRequest,
  GetModelVersionDownloadUriResponse,
  ModelVersionRequest,
  ModelVersionResponse,
  ModelVersionsResponse,
  RegisteredModelAliasRequest,
  RegisteredModelNameRequest,
  RegisteredModelResponse,
  RenameRegisteredModelRequest,
  SearchModelVersionsRequest,
  SearchModelVersionsResponse,
  SearchRegisteredModelsRequest,
  SearchRegisteredModelsResponse,
  SetModelVersionTagRequest,
  SetRegisteredModelAliasRequest,
  SetRegisteredModelTagRequest,
  TransitionModelVersionStageRequest,
  UpdateModelVersionRequest,
  UpdateRegisteredModelRequest,
} from './model-registry-api.js';
import {
  CreateExperimentRequest,
  CreateExperimentResponse,
  CreateRunRequest,
  DeleteTagRequest,
  ExperimentIdRequest,
  GetExperimentByNameRequest,
  GetExperimentRequest,
  GetExperimentResponse,
  GetMetricHistoryRequest,
  GetMetricHistoryResponse,
  GetRunRequest,
  ListArtifactsRequest,
  ListArtifactsResponse,
  LogBatchRequest,
  LogInputsRequest,
  LogMetricRequest,
  LogModelRequest,
  LogParamRequest,
  RunIdRequest,
  RunResponse,
  SearchExperimentsRequest,
  SearchExperimentsResponse,
  SearchRunsRequest,
  SearchRunsResponse,
  SetExperimentTagRequest,
  SetTagRequest,
  UpdateExperimentRequest,
  UpdateRunRequest,
  UpdateRunResponse,
} from './tracking-api.js';
import { Empty } from './wire.js';

export type RegistryHttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RegistryOperation<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  /** The first method is the one clients use; MLflow accepts the others too. */
  methods: readonly [RegistryHttpMethod, ...RegistryHttpMethod[]];
  /** Under /api/2.0 (and /ajax-api/2.0 for the UI). */
  path: string;
  /** Writes need a token; reads need one only when the server protects reads. */
  access: 'read' | 'write';
  request: Req;
  response: Res;
  summary: string;
}

function op<Req extends z.ZodType, Res extends z.ZodType>(operation: RegistryOperation<Req, Res>): RegistryOperation<Req, Res> {
  return operation;
}

/**
 * Every JSON operation of the registry's API, as MLflow's `service.proto` and `model_registry.proto`
 * declare them. The server's routes, the typed client and the OpenAPI document are built from
 * this one table; the artifact proxy streams bytes and is described separately.
 */
export const REGISTRY_OPERATIONS = {
  // experiments
  createExperiment: op({ methods: ['POST'], path: '/mlflow/experiments/create', access: 'write', request: CreateExperimentRequest, response: CreateExperimentResponse, summary: 'Create an experiment' }),
  getExperiment: op({ methods: ['GET'], path: '/mlflow/experiments/get', access: 'read', request: GetExperimentRequest, response: GetExperimentResponse, summary: 'Get an experiment by id' }),
  getExperimentByName: op({ methods: ['GET'], path: '/mlflow/experiments/get-by-name', access: 'read', request: GetExperimentByNameRequest, response: GetExperimentResponse, summary: 'Get an experiment by name' }),
  searchExperiments: op({ methods: ['POST', 'GET'], path: '/mlflow/experiments/search', access: 'read', request: SearchExperimentsRequest, response: SearchExperimentsResponse, summary: 'Search experiments' }),
  updateExperiment: op({ methods: ['POST'], path: '/mlflow/experiments/update', access: 'write', request: UpdateExperimentRequest, response: Empty, summary: 'Rename an experiment' }),
  deleteExperiment: op({ methods: ['POST'], path: '/mlflow/experiments/delete', access: 'write', request: ExperimentIdRequest, response: Empty, summary: 'Delete an experiment and its runs (restorable)' }),
  restoreExperiment: op({ methods: ['POST'], path: '/mlflow/experiments/restore', access: 'write', request: ExperimentIdRequest, response: Empty, summary: 'Restore a deleted experiment and its runs' }),
  setExperimentTag: op({ methods: ['POST'], path: '/mlflow/experiments/set-experiment-tag', access: 'write', request: SetExperimentTagRequest, response: Empty, summary: 'Set a tag on an experiment' }),
  // runs
  createRun: op({ methods: ['POST'], path: '/mlflow/runs/create', access: 'write', request: CreateRunRequest, response: RunResponse, summary: 'Create a run' }),
  getRun: op({ methods: ['GET'], path: '/mlflow/runs/get', access: 'read', request: GetRunRequest, response: RunResponse, summary: 'Get a run with its latest metrics, params, tags and inputs' }),
  updateRun: op({ methods: ['POST'], path: '/mlflow/runs/update', access: 'write', request: UpdateRunRequest, response: UpdateRunResponse, summary: 'Update a run\'s status, end time or name' }),
  deleteRun: op({ methods: ['POST'], path: '/mlflow/runs/delete', access: 'write', request: RunIdRequest, response: Empty, summary: 'Delete a run (restorable)' }),
  restoreRun: op({ methods: ['POST'], path: '/mlflow/runs/restore', access: 'write', request: RunIdRequest, response: Empty, summary: 'Restore a deleted run' }),
  searchRuns: op({ methods: ['POST'], path: '/mlflow/runs/search', access: 'read', request: SearchRunsRequest, response: SearchRunsResponse, summary: 'Search runs with MLflow\'s filter grammar and order_by' }),
  logMetric: op({ methods: ['POST'], path: '/mlflow/runs/log-metric', access: 'write', request: LogMetricRequest, response: Empty, summary: 'Log one metric value' }),
  logParam: op({ methods: ['POST'], path: '/mlflow/runs/log-parameter', access: 'write', request: LogParamRequest, response: Empty, summary: 'Log a parameter (immutable once logged)' }),
  setTag: op({ methods: ['POST'], path: '/mlflow/runs/set-tag', access: 'write', request: SetTagRequest, response: Empty, summary: 'Set a tag on a run' }),
  deleteTag: op({ methods: ['POST'], path: '/mlflow/runs/delete-tag', access: 'write', request: DeleteTagRequest, response: Empty, summary: 'Delete a tag from a run' }),
  logBatch: op({ methods: ['POST'], path: '/mlflow/runs/log-batch', access: 'write', request: LogBatchRequest, response: Empty, summary: 'Log up to 1000 metrics, 100 params and 100 tags at once' }),
  logInputs: op({ methods: ['POST'], path: '/mlflow/runs/log-inputs', access: 'write', request: LogInputsRequest, response: Empty, summary: 'Log dataset inputs of a run' }),
  logModel: op({ methods: ['POST'], path: '/mlflow/runs/log-model', access: 'write', request: LogModelRequest, response: Empty, summary: 'Record a logged model on its run' }),
  getMetricHistory: op({ methods: ['GET'], path: '/mlflow/metrics/get-history', access: 'read', request: GetMetricHistoryRequest, response: GetMetricHistoryResponse, summary: 'Every value logged for one metric of a run' }),
  listArtifacts: op({ methods: ['GET'], path: '/mlflow/artifacts/list', access: 'read', request: ListArtifactsRequest, response: ListArtifactsResponse, summary: 'List a run\'s artifacts under a path' }),
  // registered models
  createRegisteredModel: op({ methods: ['POST'], path: '/mlflow/registered-models/create', access: 'write', request: CreateRegisteredModelRequest, response: RegisteredModelResponse, summary: 'Create a registered model' }),
  getRegisteredModel: op({ methods: ['GET'], path: '/mlflow/registered-models/get', access: 'read', request: RegisteredModelNameRequest, response: RegisteredModelResponse, summary: 'Get a registered model' }),
  renameRegisteredModel: op({ methods: ['POST'], path: '/mlflow/registered-models/rename', access: 'write', request: RenameRegisteredModelRequest, response: RegisteredModelResponse, summary: 'Rename a registered model and its versions' }),
  updateRegisteredModel: op({ methods: ['PATCH'], path: '/mlflow/registered-models/update', access: 'write', request: UpdateRegisteredModelRequest, response: RegisteredModelResponse, summary: 'Update a registered model\'s description' }),
  deleteRegisteredModel: op({ methods: ['DELETE'], path: '/mlflow/registered-models/delete', access: 'write', request: RegisteredModelNameRequest, response: Empty, summary: 'Delete a registered model with its versions, tags and aliases' }),
  searchRegisteredModels: op({ methods: ['GET'], path: '/mlflow/registered-models/search', access: 'read', request: SearchRegisteredModelsRequest, response: SearchRegisteredModelsResponse, summary: 'Search registered models' }),
  getLatestVersions: op({ methods: ['POST', 'GET'], path: '/mlflow/registered-models/get-latest-versions', access: 'read', request: GetLatestVersionsRequest, response: ModelVersionsResponse, summary: 'The highest version in each requested stage' }),
  setRegisteredModelTag: op({ methods: ['POST'], path: '/mlflow/registered-models/set-tag', access: 'write', request: SetRegisteredModelTagRequest, response: Empty, summary: 'Set a tag on a registered model' }),
  deleteRegisteredModelTag: op({ methods: ['DELETE'], path: '/mlflow/registered-models/delete-tag', access: 'write', request: DeleteRegisteredModelTagRequest, response: Empty, summary: 'Delete a tag from a registered model' }),
  setRegisteredModelAlias: op({ methods: ['POST'], path: '/mlflow/registered-models/alias', access: 'write', request: SetRegisteredModelAliasRequest, response: Empty, summary: 'Point an alias at a version (moves it atomically)' }),
  deleteRegisteredModelAlias: op({ methods: ['DELETE'], path: '/mlflow/registered-models/alias', access: 'write', request: RegisteredModelAliasRequest, response: Empty, summary: 'Delete an alias' }),
  getModelVersionByAlias: op({ methods: ['GET'], path: '/mlflow/registered-models/alias', access: 'read', request: RegisteredModelAliasRequest, response: ModelVersionResponse, summary: 'The version an alias points at' }),
  // model versions
  createModelVersion: op({ methods: ['POST'], path: '/mlflow/model-versions/create', access: 'write', request: CreateModelVersionRequest, response: ModelVersionResponse, summary: 'Register a new version; numbers are allocated atomically' }),
  getModelVersion: op({ methods: ['GET'], path: '/mlflow/model-versions/get', access: 'read', request: ModelVersionRequest, response: ModelVersionResponse, summary: 'Get a model version' }),
  updateModelVersion: op({ methods: ['PATCH'], path: '/mlflow/model-versions/update', access: 'write', request: UpdateModelVersionRequest, response: ModelVersionResponse, summary: 'Update a version\'s description' }),
  deleteModelVersion: op({ methods: ['DELETE'], path: '/mlflow/model-versions/delete', access: 'write', request: ModelVersionRequest, response: Empty, summary: 'Delete a model version and the aliases pointing at it' }),
  transitionModelVersionStage: op({ methods: ['POST'], path: '/mlflow/model-versions/transition-stage', access: 'write', request: TransitionModelVersionStageRequest, response: ModelVersionResponse, summary: 'Move a version to a stage' }),
  searchModelVersions: op({ methods: ['GET'], path: '/mlflow/model-versions/search', access: 'read', request: SearchModelVersionsRequest, response: SearchModelVersionsResponse, summary: 'Search model versions' }),
  getModelVersionDownloadUri: op({ methods: ['GET'], path: '/mlflow/model-versions/get-download-uri', access: 'read', request: ModelVersionRequest, response: GetModelVersionDownloadUriResponse, summary: 'Where a version\'s artifacts are' }),
  setModelVersionTag: op({ methods: ['POST'], path: '/mlflow/model-versions/set-tag', access: 'write', request: SetModelVersionTagRequest, response: Empty, summary: 'Set a tag on a model version' }),
  deleteModelVersionTag: op({ methods: ['DELETE'], path: '/mlflow/model-versions/delete-tag', access: 'write', request: DeleteModelVersionTagRequest, response: Empty, summary: 'Delete a tag from a model version' }),
  // lineage: an extension in MLflow's style, not part of MLflow's API
  getModelVersionLineage: op({ methods: ['GET'], path: '/mlflow/model-versions/get-lineage', access: 'read', request: ModelVersionRequest, response: ModelVersionLineage, summary: 'A version with its run, dataset snapshot, feature service, code commit and parameters' }),
} as const;

export type RegistryOperations = typeof REGISTRY_OPERATIONS;
export type RegistryOperationName = keyof RegistryOperations;

/** What an operation takes, after parsing (int64 strings read as numbers, single values as arrays). */
export type OperationRequest<Name extends RegistryOperationName> = z.output<RegistryOperations[Name]['request']>;
/** What an operation answers. */
export type OperationResponse<Name extends RegistryOperationName> = z.output<RegistryOperations[Name]['response']>;

/**
 * The registry's API as an interface: the Postgres store implements it behind the HTTP routes,
 * and the REST client implements it over HTTP, so the same contract tests run against both.
 */
export type RegistryApi = {
  [Name in RegistryOperationName]: (request: OperationRequest<Name>) => Promise<OperationResponse<Name>>;
};

/** The prefixes MLflow serves its API under: the REST API, and the same routes for its web UI. */
export const REGISTRY_API_PREFIXES = ['/api/2.0', '/ajax-api/2.0'] as const;
/** The artifact proxy: GET lists (`?path=`), GET/PUT/DELETE `/<path>` download, upload, delete. */
export const ARTIFACTS_PATH = '/api/2.0/mlflow-artifacts/artifacts';
