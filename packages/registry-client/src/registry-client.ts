import {
  REGISTRY_LIMITS,
  REGISTRY_OPERATIONS,
  lineageToTags,
  type MetricIn,
  type OperationRequest,
  type RegistryApi,
  type RegistryOperation,
  type RegistryOperationName,
  type RunLineage,
} from '@payments-mlops/contracts';
import { ArtifactClient, runArtifactPath } from './artifact-client.js';
import { HttpTransport, type TransportOptions } from './http-transport.js';

export type RegistryClientOptions = TransportOptions;

/**
 * The registry's typed client: every operation of the MLflow-compatible API (the same
 * `RegistryApi` the server's Postgres store implements), the artifact proxy, and the helpers the
 * trainer and ml-serving need. Errors are MlflowErrors carrying MLflow's error code.
 */
export class RegistryClient {
  readonly api: RegistryApi;
  readonly artifacts: ArtifactClient;

  constructor(options: RegistryClientOptions) {
    const transport = new HttpTransport(options);
    const entries = Object.entries(REGISTRY_OPERATIONS) as [RegistryOperationName, RegistryOperation][];
    this.api = Object.fromEntries(entries.map(([name, operation]) => [name, (request: unknown) => transport.call(operation, request)])) as RegistryApi;
    this.artifacts = new ArtifactClient(transport, options.fetch);
  }

  /** Logs any number of metrics (and up to 100 params and tags) in batches within MLflow's limits. */
  async logMetrics(runId: string, metrics: readonly MetricIn[], extra: Pick<OperationRequest<'logBatch'>, 'params' | 'tags'> = {}): Promise<void> {
    const size = REGISTRY_LIMITS.metricsPerBatch - (extra.params?.length ?? 0) - (extra.tags?.length ?? 0);
    let first = true;
    for (let start = 0; start < metrics.length || first; start += size) {
      await this.api.logBatch({ run_id: runId, metrics: metrics.slice(start, start + size), ...(first ? extra : {}) });
      first = false;
    }
  }

  /** Records what a training run was built from, as the run tags the lineage endpoint reads. */
  async recordRunLineage(runId: string, lineage: RunLineage): Promise<void> {
    await this.api.logBatch({ run_id: runId, tags: lineageToTags(lineage) });
  }

  /** Uploads a local file into a run's artifacts, e.g. `model/model.onnx`. */
  async logArtifact(runId: string, localFile: string, artifactPath: string, contentType?: string): Promise<void> {
    const { run } = await this.api.getRun({ run_id: runId });
    await this.artifacts.uploadFile(localFile, runArtifactPath(run.info.artifact_uri ?? '', artifactPath), contentType);
  }

  /** Uploads a local directory into a run's artifacts under `artifactPath`. */
  async logArtifacts(runId: string, localDir: string, artifactPath = ''): Promise<string[]> {
    const { run } = await this.api.getRun({ run_id: runId });
    return this.artifacts.uploadDirectory(localDir, runArtifactPath(run.info.artifact_uri ?? '', artifactPath));
  }

  /** Downloads a model version's artifacts (a directory or one file under it) into `localDir`. */
  async downloadModelVersion(name: string, version: string, localDir: string, relative = ''): Promise<string[]> {
    const { artifact_uri } = await this.api.getModelVersionDownloadUri({ name, version });
    return this.artifacts.downloadTree(runArtifactPath(artifact_uri, relative), localDir);
  }

  /** The version an alias (`champion`, `challenger`) points at, or undefined when none. */
  async findVersionByAlias(name: string, alias: string) {
    try {
      return (await this.api.getModelVersionByAlias({ name, alias })).model_version;
    } catch (error) {
      if ((error as { errorCode?: string }).errorCode === 'INVALID_PARAMETER_VALUE' && String(error).includes('not found')) return undefined;
      throw error;
    }
  }
}

/** A client configured the way MLflow's tools are: MLFLOW_TRACKING_URI and MLFLOW_TRACKING_TOKEN. */
export function registryClientFromEnv(env: Readonly<Record<string, string | undefined>> = process.env, options: Partial<RegistryClientOptions> = {}): RegistryClient {
  const baseUrl = env.MLFLOW_TRACKING_URI ?? 'http://127.0.0.1:5000';
  const token = env.MLFLOW_TRACKING_TOKEN;
  return new RegistryClient({ baseUrl, ...(token ? { token } : {}), ...options });
}
