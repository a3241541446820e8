import { z } from 'zod';
import { ModelVersion, RegisteredModel } from './entities.js';
import { Bool, Int64, RequiredString, repeated } from './wire.js';

/* Requests and responses of MLflow's model registry API (`model_registry.proto`, ModelRegistryService). */

const TagIn = z.object({ key: RequiredString, value: z.string().optional() });

export const RegisteredModelResponse = z.object({ registered_model: RegisteredModel }).meta({ id: 'RegisteredModelResponse' });
export type RegisteredModelResponse = z.infer<typeof RegisteredModelResponse>;
export const ModelVersionResponse = z.object({ model_version: ModelVersion }).meta({ id: 'ModelVersionResponse' });
export type ModelVersionResponse = z.infer<typeof ModelVersionResponse>;

// --- registered models --------------------------------------------------------------------

export const CreateRegisteredModelRequest = z
  .object({ name: RequiredString, tags: repeated(TagIn).optional(), description: z.string().optional() })
  .meta({ id: 'CreateRegisteredModelRequest' });
export type CreateRegisteredModelRequest = z.infer<typeof CreateRegisteredModelRequest>;

export const RegisteredModelNameRequest = z.object({ name: RequiredString }).meta({ id: 'RegisteredModelNameRequest' });
export type RegisteredModelNameRequest = z.infer<typeof RegisteredModelNameRequest>;

export const RenameRegisteredModelRequest = z
  .object({ name: RequiredString, new_name: RequiredString })
  .meta({ id: 'RenameRegisteredModelRequest' });
export type RenameRegisteredModelRequest = z.infer<typeof RenameRegisteredModelRequest>;

export const UpdateRegisteredModelRequest = z
  .object({ name: RequiredString, description: z.string().optional() })
  .meta({ id: 'UpdateRegisteredModelRequest' });
export type UpdateRegisteredModelRequest = z.infer<typeof UpdateRegisteredModelRequest>;

export const SearchRegisteredModelsRequest = z
  .object({
    filter: z.string().optional(),
    max_results: Int64.optional(),
    order_by: repeated(z.string()).optional(),
    page_token: z.string().optional(),
  })
  .meta({ id: 'SearchRegisteredModelsRequest' });
export type SearchRegisteredModelsRequest = z.infer<typeof SearchRegisteredModelsRequest>;
export const SearchRegisteredModelsResponse = z
  .object({ registered_models: z.array(RegisteredModel).optional(), next_page_token: z.string().optional() })
  .meta({ id: 'SearchRegisteredModelsResponse' });
export type SearchRegisteredModelsResponse = z.infer<typeof SearchRegisteredModelsResponse>;

export const GetLatestVersionsRequest = z
  .object({ name: RequiredString, stages: repeated(z.string()).optional() })
  .meta({ id: 'GetLatestVersionsRequest' });
export type GetLatestVersionsRequest = z.infer<typeof GetLatestVersionsRequest>;
export const ModelVersionsResponse = z
  .object({ model_versions: z.array(ModelVersion).optional() })
  .meta({ id: 'ModelVersionsResponse' });
export type ModelVersionsResponse = z.infer<typeof ModelVersionsResponse>;

export const SetRegisteredModelTagRequest = z
  .object({ name: RequiredString, key: RequiredString, value: z.string().optional() })
  .meta({ id: 'SetRegisteredModelTagRequest' });
export type SetRegisteredModelTagRequest = z.infer<typeof SetRegisteredModelTagRequest>;

export const DeleteRegisteredModelTagRequest = z
  .object({ name: RequiredString, key: RequiredString })
  .meta({ id: 'DeleteRegisteredModelTagRequest' });
export type DeleteRegisteredModelTagRequest = z.infer<typeof DeleteRegisteredModelTagRequest>;

// --- aliases ------------------------------------------------------------------------------

export const SetRegisteredModelAliasRequest = z
  .object({ name: RequiredString, alias: RequiredString, version: RequiredString })
  .meta({ id: 'SetRegisteredModelAliasRequest' });
export type SetRegisteredModelAliasRequest = z.infer<typeof SetRegisteredModelAliasRequest>;

export const RegisteredModelAliasRequest = z
  .object({ name: RequiredString, alias: RequiredString })
  .meta({ id: 'RegisteredModelAliasRequest' });
export type RegisteredModelAliasRequest = z.infer<typeof RegisteredModelAliasRequest>;

// --- model versions -----------------------------------------------------------------------

export const CreateModelVersionRequest = z
  .object({
    name: RequiredString,
    source: RequiredString,
    run_id: z.string().optional(),
    tags: repeated(TagIn).optional(),
    run_link: z.string().optional(),
    description: z.string().optional(),
  })
  .meta({ id: 'CreateModelVersionRequest' });
export type CreateModelVersionRequest = z.infer<typeof CreateModelVersionRequest>;

export const ModelVersionRequest = z.object({ name: RequiredString, version: RequiredString }).meta({ id: 'ModelVersionRequest' });
export type ModelVersionRequest = z.infer<typeof ModelVersionRequest>;

export const UpdateModelVersionRequest = z
  .object({ name: RequiredString, version: RequiredString, description: z.string().optional() })
  .meta({ id: 'UpdateModelVersionRequest' });
export type UpdateModelVersionRequest = z.infer<typeof UpdateModelVersionRequest>;

export const TransitionModelVersionStageRequest = z
  .object({
    name: RequiredString,
    version: RequiredString,
    stage: RequiredString,
    archive_existing_versions: Bool.optional(),
  })
  .meta({ id: 'TransitionModelVersionStageRequest' });
export type TransitionModelVersionStageRequest = z.infer<typeof TransitionModelVersionStageRequest>;

export const SearchModelVersionsRequest = z
  .object({
    filter: z.string().optional(),
    max_results: Int64.optional(),
    order_by: repeated(z.string()).optional(),
    page_token: z.string().optional(),
  })
  .meta({ id: 'SearchModelVersionsRequest' });
export type SearchModelVersionsRequest = z.infer<typeof SearchModelVersionsRequest>;
export const SearchModelVersionsResponse = z
  .object({ model_versions: z.array(ModelVersion).optional(), next_page_token: z.string().optional() })
  .meta({ id: 'SearchModelVersionsResponse' });
export type SearchModelVersionsResponse = z.infer<typeof SearchModelVersionsResponse>;

export const GetModelVersionDownloadUriResponse = z
  .object({ artifact_uri: z.string() })
  .meta({ id: 'GetModelVersionDownloadUriResponse' });
export type GetModelVersionDownloadUriResponse = z.infer<typeof GetModelVersionDownloadUriResponse>;

export const SetModelVersionTagRequest = z
  .object({ name: RequiredString, version: RequiredString, key: RequiredString, value: z.string().optional() })
  .meta({ id: 'SetModelVersionTagRequest' });
export type SetModelVersionTagRequest = z.infer<typeof SetModelVersionTagRequest>;

export const DeleteModelVersionTagRequest = z
  .object({ name: RequiredString, version: RequiredString, key: RequiredString })
  .meta({ id: 'DeleteModelVersionTagRequest' });
export type DeleteModelVersionTagRequest = z.infer<typeof DeleteModelVersionTagRequest>;
