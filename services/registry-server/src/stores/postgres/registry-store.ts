import { MlflowError, type OperationRequest, type OperationResponse, type RegistryApi } from '@payments-mlops/contracts';
import { joinArtifactPath, parseArtifactPath } from '../../domain/artifact-path.js';
import { proxiedArtifactPath } from '../../domain/artifact-uri.js';
import type { ArtifactCatalog } from '../artifacts/artifact-catalog.js';
import type { StoreContext } from './context.js';
import { createExperimentStore } from './experiment-store.js';
import { createLineageStore } from './lineage-store.js';
import { createModelVersionStore } from './model-version-store.js';
import { createRegisteredModelStore } from './registered-model-store.js';
import { readRunInfo } from './run-reader.js';
import { createRunStore } from './run-store.js';

export interface PostgresRegistry extends RegistryApi {
  /** Creates the Default experiment (id 0) unless it exists. */
  ensureDefaultExperiment(): Promise<void>;
}

/**
 * The registry's API on Postgres: MLflow's tracking and model registry operations, plus lineage.
 * It implements the same `RegistryApi` interface as the REST client.
 */
export function createPostgresRegistry(context: StoreContext, artifacts: ArtifactCatalog): PostgresRegistry {
  const experiments = createExperimentStore(context);
  return {
    ...experiments,
    ...createRunStore(context),
    ...createRegisteredModelStore(context),
    ...createModelVersionStore(context),
    ...createLineageStore(context),

    /** A run's artifacts, read through the proxy's store (runs keep them under mlflow-artifacts:/). */
    async listArtifacts(request: OperationRequest<'listArtifacts'>): Promise<OperationResponse<'listArtifacts'>> {
      const runId = request.run_id || request.run_uuid;
      if (!runId) throw MlflowError.invalidParameter("Missing value for required parameter 'run_id'.");
      const relative = parseArtifactPath(request.path);
      const info = await readRunInfo(context.db, runId);
      const root = proxiedArtifactPath(info.artifact_uri ?? '');
      if (root === undefined) {
        throw MlflowError.invalidParameter(`The artifacts of run ${runId} are stored at '${info.artifact_uri}', which this registry does not proxy.`);
      }
      const files = await artifacts.list(joinArtifactPath(root, relative));
      const response: OperationResponse<'listArtifacts'> = { root_uri: info.artifact_uri ?? '' };
      if (files.length > 0) response.files = files.map((file) => ({ ...file, path: joinArtifactPath(relative, file.path) }));
      return response;
    },
  };
}
