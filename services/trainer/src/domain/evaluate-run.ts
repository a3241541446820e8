import { argmaxClasses } from '@payments-mlops/boosting';
import type { ModelConfig } from '../pipelines/model-config.js';
import { numericColumn, stringColumn, type ColumnsByName, type ModelPipeline, type RowLabels } from '../pipelines/pipeline.js';
import { DO_NOT_RETRY } from '../pipelines/retry.js';
import {
  amountBand,
  binaryMetrics,
  multiclassMetrics,
  segmentMetrics,
  type BinaryMetrics,
  type MulticlassMetrics,
} from './evaluation.js';
import type { GateScores } from './gates.js';
import { policyValue, type PolicyLog } from './policy-value.js';
import { take, takeAll } from './time-split.js';

export interface Evaluation {
  primary_metric: ModelConfig['primary_metric'];
  /** The candidate's primary metric and calibration measure on the test period. */
  candidate: GateScores;
  /** The mock's rule on the same rows (its calibration is not defined: NaN). */
  baseline: GateScores;
  binary?: { model: BinaryMetrics; baseline: BinaryMetrics; segments: Record<string, Record<string, BinaryMetrics>> };
  multiclass?: { model: MulticlassMetrics; policy_value: number; baseline_policy_value: number; chosen: Record<string, number> };
}

/** The test period's rows as columns of their own, for the rules and segment breakdowns. */
export function testColumnsByName(columns: ColumnsByName, rows: Int32Array): ColumnsByName {
  const out = new Map<string, ReturnType<ColumnsByName['get']> & object>();
  for (const [name, column] of columns) {
    if (column.dtype === 'String') out.set(name, { ...column, values: takeAll(column.values, rows) });
    else if (column.dtype !== 'Array(String)') out.set(name, { ...column, values: take(column.values, rows) });
  }
  return out;
}

/** Scores a test period: the candidate's metrics beside the mock's rule, the same rows for both. */
export function evaluateTest(
  config: ModelConfig,
  pipeline: ModelPipeline,
  test: { columns: ColumnsByName; labels: RowLabels; rows: Int32Array },
  probabilities: Float64Array,
  classes: readonly string[],
): Evaluation {
  const labels = take(test.labels.target, test.rows);
  if (config.objective === 'binary') {
    const weights = test.labels.weight ? take(test.labels.weight, test.rows) : undefined;
    const model = binaryMetrics(labels, probabilities, true, weights);
    const rule = pipeline.baseline(test.columns) as Float64Array;
    const baseline = binaryMetrics(labels, rule, false, weights);
    const segments: Record<string, Record<string, BinaryMetrics>> = {};
    for (const segment of config.segments) {
      const values = segment === 'amount_band' ? Array.from(numericColumn(test.columns, 'amount_cents'), amountBand) : stringColumn(test.columns, segment);
      segments[segment] = segmentMetrics(labels, probabilities, values, weights);
    }
    const pick = (m: BinaryMetrics) => (config.primary_metric === 'roc_auc' ? m.roc_auc : m.pr_auc);
    return {
      primary_metric: config.primary_metric,
      candidate: { primary: pick(model), calibration: model.ece },
      baseline: { primary: pick(baseline), calibration: Number.NaN },
      binary: { model, baseline, segments },
    };
  }
  const choices = policyChoices(pipeline, test.columns, probabilities, classes.length);
  const ruleChoices = pipeline.baseline(test.columns) as Int32Array;
  const log = policyLog(test.labels, test.rows);
  const options = { failureCost: config.failure_cost, nullActions: config.task === 'retry' ? new Set([DO_NOT_RETRY]) : new Set<number>() };
  const value = policyValue(log, choices, options);
  const baselineValue = policyValue(log, ruleChoices, options);
  // Multiclass metrics on the rows with a training label.
  const labeled = Int32Array.from(Array.from(labels).flatMap((label, i) => (Number.isFinite(label) ? [i] : [])));
  const k = classes.length;
  const labeledProbabilities = Float64Array.from({ length: labeled.length * k }, (_, j) => probabilities[labeled[Math.floor(j / k)]! * k + (j % k)]!);
  const model = multiclassMetrics(take(labels, labeled), labeledProbabilities, classes);
  const chosen: Record<string, number> = Object.fromEntries(classes.map((name) => [name, 0]));
  for (const choice of choices) chosen[classes[choice]!]!++;
  return {
    primary_metric: config.primary_metric,
    candidate: { primary: value, calibration: model.log_loss },
    baseline: { primary: baselineValue, calibration: Number.NaN },
    multiclass: { model, policy_value: value, baseline_policy_value: baselineValue, chosen },
  };
}

/** The model's decision per row: the most probable class, unless a rule forces one. */
export function policyChoices(pipeline: ModelPipeline, columns: ColumnsByName, probabilities: ArrayLike<number>, k: number): Int32Array {
  const choices = argmaxClasses(probabilities, k);
  const forced = pipeline.override?.(columns);
  return Int32Array.from(choices, (choice, row) => (forced !== undefined && forced[row]! >= 0 ? forced[row]! : choice));
}

function policyLog(labels: RowLabels, rows: Int32Array): PolicyLog {
  return {
    action: Int32Array.from(rows, (row) => labels.action![row]!),
    outcome: take(labels.outcome!, rows),
    stratum: takeAll(labels.stratum!, rows),
  };
}
