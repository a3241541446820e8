import type { LINEAGE_TAGS, Metric, Run, RunInfo } from '@payments-mlops/contracts';

/** The run tags the UI reads; the compiler holds them equal to the contracts' LINEAGE_TAGS. */
export const TAGS: typeof LINEAGE_TAGS = {
  datasetDigest: 'payments.dataset.digest',
  datasetLocation: 'payments.dataset.location',
  featureService: 'payments.feature_service.name',
  featureServiceVersion: 'payments.feature_service.version',
  codeCommit: 'mlflow.source.git.commit',
  codeBranch: 'mlflow.source.git.branch',
  codeRepository: 'mlflow.source.git.repoURL',
  sourceName: 'mlflow.source.name',
};
/** MLflow's run description, as its UI stores it. */
export const NOTE_TAG = 'mlflow.note.content';

export function runLabel(info: Pick<RunInfo, 'run_name' | 'run_id'>): string {
  return info.run_name || info.run_id.slice(0, 8);
}

export function tagsOf(run: Pick<Run, 'data'>): Map<string, string> {
  return new Map((run.data.tags ?? []).map((tag) => [tag.key, tag.value]));
}

export function paramsOf(run: Pick<Run, 'data'>): Map<string, string> {
  return new Map((run.data.params ?? []).map((param) => [param.key, param.value]));
}

export function metricsOf(run: Pick<Run, 'data'>): Map<string, Metric> {
  return new Map((run.data.metrics ?? []).map((metric) => [metric.key, metric]));
}

/** Tags MLflow and its integrations set themselves (mlflow.*), shown apart from the user's own. */
export function isSystemTag(key: string): boolean {
  return key.startsWith('mlflow.');
}

/** A value for a numeric axis: numbers as numbers (params are strings on the wire), the rest as text. */
export function asAxisValue(value: string | number | undefined): number | string | undefined {
  if (value === undefined || typeof value === 'number') return value;
  const number = Number(value);
  return value.trim() !== '' && Number.isFinite(number) ? number : value;
}

/** Quotes a key for MLflow's filter and order_by grammar: metrics.`my key` (a doubled backtick stands for one). */
export function quotedKey(kind: 'metrics' | 'params' | 'tags', key: string): string {
  return `${kind}.\`${key.replaceAll('`', '``')}\``;
}

/** Quotes a string literal for MLflow's filter grammar (a doubled quote stands for one, as in SQL). */
export function quotedValue(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
