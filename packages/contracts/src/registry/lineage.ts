import { z } from 'zod';
import { DatasetInput, Experiment, Metric, ModelVersion, Param, RunInfo } from './entities.js';

/*
 * Lineage: where a model version came from. A version links to the run that produced it; the run
 * records the dataset snapshot it trained on, the feature service and definition version that
 * built that snapshot, and the code commit, as run tags anyone can set with MLflow's own client
 * (`mlflow.set_tags`). The trainer sets them through the registry client's `recordRunLineage`.
 */

/** The run tags that carry lineage. The commit uses MLflow's own tag, which `mlflow run` also sets. */
export const LINEAGE_TAGS = {
  datasetDigest: 'payments.dataset.digest',
  datasetLocation: 'payments.dataset.location',
  featureService: 'payments.feature_service.name',
  featureServiceVersion: 'payments.feature_service.version',
  codeCommit: 'mlflow.source.git.commit',
  codeBranch: 'mlflow.source.git.branch',
  codeRepository: 'mlflow.source.git.repoURL',
  sourceName: 'mlflow.source.name',
} as const;

export const DatasetSnapshot = z
  .object({
    digest: z.string().min(1).describe('Content digest of the training snapshot, as the feature store reports it.'),
    location: z.string().min(1).describe('Where the snapshot is stored (an s3:// or file:// URI).'),
  })
  .meta({ id: 'DatasetSnapshot' });
export type DatasetSnapshot = z.infer<typeof DatasetSnapshot>;

export const FeatureServiceRef = z
  .object({
    name: z.string().min(1),
    version: z.string().min(1).describe('The version of the feature definitions the snapshot was built from.'),
  })
  .meta({ id: 'FeatureServiceRef' });
export type FeatureServiceRef = z.infer<typeof FeatureServiceRef>;

export const CodeVersion = z
  .object({
    commit: z.string().optional(),
    branch: z.string().optional(),
    repository: z.string().optional(),
    source_name: z.string().optional().describe('The entry point that ran, e.g. services/trainer/src/main.ts.'),
  })
  .meta({ id: 'CodeVersion' });
export type CodeVersion = z.infer<typeof CodeVersion>;

/** What a training run records about its inputs; `recordRunLineage` writes it as LINEAGE_TAGS. */
export const RunLineage = z
  .object({ dataset_snapshot: DatasetSnapshot, feature_service: FeatureServiceRef, code: CodeVersion })
  .meta({ id: 'RunLineage' });
export type RunLineage = z.infer<typeof RunLineage>;

/** The lineage of one model version, in one response: GET /api/2.0/mlflow/model-versions/get-lineage. */
export const ModelVersionLineage = z
  .object({
    model_version: ModelVersion,
    run: RunInfo.optional().describe('Absent when the version names no run, or its run is not in this registry.'),
    experiment: Experiment.optional(),
    dataset_snapshot: DatasetSnapshot.optional(),
    feature_service: FeatureServiceRef.optional(),
    code: CodeVersion.optional(),
    params: z.array(Param).optional().describe('The training parameters logged on the run.'),
    metrics: z.array(Metric).optional().describe('The latest value of each metric logged on the run.'),
    datasets: z.array(DatasetInput).optional().describe('Dataset inputs logged with MLflow\'s log_input.'),
  })
  .meta({ id: 'ModelVersionLineage' });
export type ModelVersionLineage = z.infer<typeof ModelVersionLineage>;

/** Reads lineage back from a run's tags; fields whose tags are missing are left out. */
export function lineageFromTags(tags: ReadonlyMap<string, string>): Pick<ModelVersionLineage, 'dataset_snapshot' | 'feature_service' | 'code'> {
  const digest = tags.get(LINEAGE_TAGS.datasetDigest);
  const location = tags.get(LINEAGE_TAGS.datasetLocation);
  const service = tags.get(LINEAGE_TAGS.featureService);
  const serviceVersion = tags.get(LINEAGE_TAGS.featureServiceVersion);
  const code: CodeVersion = {};
  const commit = tags.get(LINEAGE_TAGS.codeCommit);
  const branch = tags.get(LINEAGE_TAGS.codeBranch);
  const repository = tags.get(LINEAGE_TAGS.codeRepository);
  const sourceName = tags.get(LINEAGE_TAGS.sourceName);
  if (commit !== undefined) code.commit = commit;
  if (branch !== undefined) code.branch = branch;
  if (repository !== undefined) code.repository = repository;
  if (sourceName !== undefined) code.source_name = sourceName;
  return {
    ...(digest !== undefined && location !== undefined ? { dataset_snapshot: { digest, location } } : {}),
    ...(service !== undefined && serviceVersion !== undefined ? { feature_service: { name: service, version: serviceVersion } } : {}),
    ...(Object.keys(code).length > 0 ? { code } : {}),
  };
}

/** The run tags that record `lineage`, ready for a log-batch request. */
export function lineageToTags(lineage: RunLineage): { key: string; value: string }[] {
  const tags: { key: string; value: string }[] = [
    { key: LINEAGE_TAGS.datasetDigest, value: lineage.dataset_snapshot.digest },
    { key: LINEAGE_TAGS.datasetLocation, value: lineage.dataset_snapshot.location },
    { key: LINEAGE_TAGS.featureService, value: lineage.feature_service.name },
    { key: LINEAGE_TAGS.featureServiceVersion, value: lineage.feature_service.version },
  ];
  const { commit, branch, repository, source_name } = lineage.code;
  if (commit !== undefined) tags.push({ key: LINEAGE_TAGS.codeCommit, value: commit });
  if (branch !== undefined) tags.push({ key: LINEAGE_TAGS.codeBranch, value: branch });
  if (repository !== undefined) tags.push({ key: LINEAGE_TAGS.codeRepository, value: repository });
  if (source_name !== undefined) tags.push({ key: LINEAGE_TAGS.sourceName, value: source_name });
  return tags;
}
