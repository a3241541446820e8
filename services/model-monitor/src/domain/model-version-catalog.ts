import {
  MODEL_ARTIFACTS,
  REFERENCE_PROFILE_FORMAT,
  ReferenceProfile,
  ServiceError,
} from '@payments-mlops/contracts';
import { runArtifactPath, type RegistryClient } from '@payments-mlops/registry-client';
import { safeJson } from './safe-json.js';

/** What the monitor needs of a registered version: its reference profile and test metrics. */
export interface ModelVersionInfo {
  profile: ReferenceProfile;
  /** The run's metrics named `test_<metric>`, keyed by `<metric>` (roc_auc, pr_auc, ece, …). */
  testMetrics: Record<string, number>;
}

export interface ModelVersionCatalog {
  /** Throws a NOT_FOUND ServiceError when the version, its run or its profile is missing. */
  get(model: string, version: string): Promise<ModelVersionInfo>;
}

async function readText(body: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

const isNotFound = (error: unknown): boolean => {
  const code = (error as { errorCode?: string; status?: number }).errorCode;
  return (
    code === 'RESOURCE_DOES_NOT_EXIST' ||
    code === 'NOT_FOUND' ||
    (error as { status?: number }).status === 404
  );
};

/**
 * Reads versions from the registry: the version's run, its `test_*` metrics and the reference
 * profile at `monitoring/reference_profile.json` of the run's artifacts. A version never changes
 * once registered, so each is read once and kept.
 */
export class RegistryModelCatalog implements ModelVersionCatalog {
  private readonly cache = new Map<string, Promise<ModelVersionInfo>>();

  constructor(private readonly registry: RegistryClient) {}

  get(model: string, version: string): Promise<ModelVersionInfo> {
    const key = `${model}\u0000${version}`;
    let entry = this.cache.get(key);
    if (entry === undefined) {
      entry = this.load(model, version);
      this.cache.set(key, entry);
      // A failure (registry away, profile not yet uploaded) is retried on the next call.
      entry.catch(() => this.cache.delete(key));
    }
    return entry;
  }

  private async load(model: string, version: string): Promise<ModelVersionInfo> {
    try {
      return await this.read(model, version);
    } catch (error) {
      if (error instanceof ServiceError) throw error;
      // The registry is down or answered oddly: the monitor cannot work without it, for now.
      throw new ServiceError(
        'SERVICE_UNAVAILABLE',
        `could not read model ${model} version ${version} from the registry: ${(error as Error).message}`,
      );
    }
  }

  private async read(model: string, version: string): Promise<ModelVersionInfo> {
    let runId: string | undefined;
    try {
      runId = (await this.registry.api.getModelVersion({ name: model, version })).model_version
        .run_id;
    } catch (error) {
      if (isNotFound(error))
        throw new ServiceError(
          'NOT_FOUND',
          `model ${model} has no version ${version} in the registry`,
        );
      throw error;
    }
    if (!runId)
      throw new ServiceError('NOT_FOUND', `model ${model} version ${version} has no training run`);
    const { run } = await this.registry.api.getRun({ run_id: runId });
    const testMetrics: Record<string, number> = {};
    for (const metric of run.data.metrics ?? []) {
      if (metric.key.startsWith('test_') && typeof metric.value === 'number')
        testMetrics[metric.key.slice(5)] = metric.value;
    }
    let text: string;
    try {
      const { body } = await this.registry.artifacts.download(
        runArtifactPath(run.info.artifact_uri ?? '', MODEL_ARTIFACTS.referenceProfile),
      );
      text = await readText(body);
    } catch (error) {
      if (isNotFound(error)) {
        throw new ServiceError(
          'NOT_FOUND',
          `model ${model} version ${version} has no ${MODEL_ARTIFACTS.referenceProfile} in its run`,
        );
      }
      throw error;
    }
    const profile = ReferenceProfile.safeParse(safeJson(text));
    if (!profile.success) {
      throw new ServiceError(
        'INTERNAL',
        `the reference profile of ${model} version ${version} is not a ${REFERENCE_PROFILE_FORMAT} document`,
      );
    }
    return { profile: profile.data, testMetrics };
  }
}
