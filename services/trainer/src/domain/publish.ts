import type { MetricIn, RunLineage } from '@payments-mlops/contracts';
import type { RegistryClient } from '@payments-mlops/registry-client';

const isCode = (error: unknown, code: string): boolean => (error as { errorCode?: string }).errorCode === code;

/** The experiment a task's runs go to, created on first use. */
export async function experimentFor(registry: RegistryClient, name: string): Promise<string> {
  try {
    return (await registry.api.getExperimentByName({ experiment_name: name })).experiment.experiment_id;
  } catch (error) {
    if (!isCode(error, 'RESOURCE_DOES_NOT_EXIST')) throw error;
  }
  try {
    return (await registry.api.createExperiment({ name })).experiment_id;
  } catch (error) {
    // Another job created it meanwhile.
    if (!isCode(error, 'RESOURCE_ALREADY_EXISTS')) throw error;
    return (await registry.api.getExperimentByName({ experiment_name: name })).experiment.experiment_id;
  }
}

export interface TrackedRun {
  runId: string;
  artifactUri: string;
}

export async function startRun(registry: RegistryClient, experimentId: string, runName: string, startMs: number, tags: Record<string, string>): Promise<TrackedRun> {
  const { run } = await registry.api.createRun({
    experiment_id: experimentId,
    run_name: runName,
    start_time: startMs,
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  });
  return { runId: run.info.run_id, artifactUri: run.info.artifact_uri ?? '' };
}

export interface RunRecord {
  params: Record<string, string>;
  metrics: Record<string, number>;
  tags: Record<string, string>;
  lineage: RunLineage;
  artifactsDir: string;
  timestampMs: number;
}

/** Params, metrics (finite ones: MLflow has no null), lineage tags and the artifact tree of a run. */
export async function recordRun(registry: RegistryClient, runId: string, record: RunRecord): Promise<void> {
  const metrics: MetricIn[] = Object.entries(record.metrics)
    .filter(([, value]) => Number.isFinite(value))
    .map(([key, value]) => ({ key, value, timestamp: record.timestampMs, step: 0 }));
  const params = Object.entries(record.params).map(([key, value]) => ({ key, value: value.slice(0, 6000) }));
  for (let start = 0; start < params.length; start += 100) {
    await registry.api.logBatch({ run_id: runId, params: params.slice(start, start + 100) });
  }
  await registry.logMetrics(runId, metrics, { tags: Object.entries(record.tags).map(([key, value]) => ({ key, value })) });
  await registry.recordRunLineage(runId, record.lineage);
  await registry.logArtifacts(runId, record.artifactsDir);
}

export async function endRun(registry: RegistryClient, runId: string, status: 'FINISHED' | 'FAILED', endMs: number): Promise<void> {
  await registry.api.updateRun({ run_id: runId, status, end_time: endMs });
}

export interface RegisteredVersion {
  name: string;
  version: string;
}

/**
 * Registers the run's model as a new version, points `challenger` at it and, when promoted,
 * `champion`. Any failure after the version exists deletes it again (which drops the aliases
 * pointing at it), so a failed job leaves no version behind and champion where it was.
 */
export async function registerVersion(
  registry: RegistryClient,
  options: { name: string; run: TrackedRun; tags: Record<string, string>; description: string; promote: boolean },
): Promise<RegisteredVersion> {
  const { name, run } = options;
  try {
    await registry.api.createRegisteredModel({ name });
  } catch (error) {
    if (!isCode(error, 'RESOURCE_ALREADY_EXISTS')) throw error;
  }
  const { model_version } = await registry.api.createModelVersion({
    name,
    source: `${run.artifactUri}/model`,
    run_id: run.runId,
    description: options.description,
    tags: Object.entries(options.tags).map(([key, value]) => ({ key, value })),
  });
  const version = model_version.version;
  try {
    await registry.api.setRegisteredModelAlias({ name, alias: 'challenger', version });
    if (options.promote) await registry.api.setRegisteredModelAlias({ name, alias: 'champion', version });
  } catch (error) {
    await registry.api.deleteModelVersion({ name, version }).catch(() => undefined);
    throw error;
  }
  return { name, version };
}
