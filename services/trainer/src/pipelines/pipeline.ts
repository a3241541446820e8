import type { ModelTask } from '@payments-mlops/contracts';
import type { DatasetColumn } from '@payments-mlops/feature-store';
import type { ModelConfig } from './model-config.js';

/** The time range a run trains on: entity rows in [startMs, endMs), labels known at asOfMs. */
export interface TrainingWindow {
  startMs: number;
  endMs: number;
  asOfMs: number;
}

/** Columns of a training dataset by name (features and the entity rows' pass-through columns). */
export type ColumnsByName = ReadonlyMap<string, DatasetColumn>;

/**
 * Labels of a dataset's rows: the training target (NaN where a row teaches nothing, e.g. a retry
 * that failed, which says nothing about which strategy works) and, for policy tasks, what was
 * done and what it achieved, for the off-policy evaluation.
 */
export interface RowLabels {
  target: Float64Array;
  /** Row weights (negative sampling); every row weighs 1 when absent. */
  weight?: Float64Array;
  /** Policy tasks: the index of the logged action per row. */
  action?: Int32Array;
  /** Policy tasks: 1 when the logged action succeeded, 0 when not. */
  outcome?: Float64Array;
  /** Policy tasks: the stratum actions were logged within (propensities are estimated per stratum). */
  stratum?: readonly string[];
}

/** What a model pipeline adds to its config.yaml: its rows, labels and the mock's rule. */
export interface ModelPipeline {
  task: ModelTask;
  /** The entity rows (join keys, request fields, event_timestamp and label columns) of a window. */
  entityRowsSql(window: TrainingWindow, config: ModelConfig): string;
  /** The column that, with event_timestamp, orders rows deterministically. */
  rowKey: string;
  labels(columns: ColumnsByName, window: TrainingWindow, config: ModelConfig): RowLabels;
  /** Binary: the rule's score per row. Multiclass: the rule's chosen class per row. */
  baseline(columns: ColumnsByName): Float64Array | Int32Array;
  /**
   * Multiclass policies: rules that hold whatever the model says (a hard decline is never
   * retried), as a class to force per row, or -1.
   */
  override?(columns: ColumnsByName): Int32Array;
}

/** The request fields of payment_request, all of them columns of payment_events. */
export const REQUEST_COLUMNS = [
  'amount_cents',
  'currency',
  'payment_method_type',
  'card_brand',
  'is_guest_checkout',
  'channel',
  'device_id',
  'ip_country',
  'card_country',
  'billing_country',
  'merchant_category_code',
  'payment_type',
  'decline_code',
  'attempt_number',
] as const;

const ROW_COLUMNS = [
  'p.payment_id',
  'p.customer_id',
  'p.merchant_id',
  'p.card_id',
  'p.decline_type',
  ...REQUEST_COLUMNS.map((column) => `p.${column}`),
].join(', ');

/** The entity keys and request fields every pipeline's rows carry, from fct_payments aliased `p`, scored at the attempt. */
export const PAYMENT_ROW_COLUMNS = `${ROW_COLUMNS}, p.occurred_at AS event_timestamp`;

/**
 * The same, scored just after the attempt, for decisions taken once its failure is on record
 * (churn risk, recovery): the failure then counts in the customer's and card's history, as it
 * does online by the time those endpoints are called.
 */
export const AFTER_PAYMENT_ROW_COLUMNS = `${ROW_COLUMNS}, p.occurred_at + interval '1 second' AS event_timestamp`;

/** A time as a SQL literal; the value comes from a number, never from input text. */
export function sqlTime(ms: number): string {
  return `'${new Date(ms).toISOString()}'::timestamptz`;
}

export function numericColumn(columns: ColumnsByName, name: string): Float64Array {
  const column = columns.get(name);
  if (column === undefined || column.dtype === 'String' || column.dtype === 'Array(String)') throw new Error(`dataset lacks numeric column '${name}'`);
  return column.values;
}

export function stringColumn(columns: ColumnsByName, name: string): readonly (string | null)[] {
  const column = columns.get(name);
  if (column?.dtype !== 'String') throw new Error(`dataset lacks string column '${name}'`);
  return column.values;
}

/**
 * The SQL condition that keeps a row with probability `rate` by a hash of `keyColumn`, so the
 * same rows are kept every time.
 */
export function sampledBy(keyColumn: string, rate: number): string {
  return `(hashtext(${keyColumn}) & 65535) < ${Math.round(rate * 65_536)}`;
}

/** Known at asOf: a label time that exists and is not after the cut-off. */
export function knownBy(labelTimeMs: number, asOfMs: number): boolean {
  return Number.isFinite(labelTimeMs) && labelTimeMs <= asOfMs;
}

/**
 * Labels of a policy task from its logged decisions: the action taken (an index of `classes`),
 * whether it worked (known at asOf, else the row is left out), and the class a row teaches
 * (`teach`, NaN when it teaches none); rows are stratified by decline type.
 */
export function loggedPolicyLabels(
  columns: ColumnsByName,
  asOfMs: number,
  spec: { classes: readonly string[]; action: string; succeeded: string; outcomeAt: string; teach: (row: number, action: number, succeeded: boolean) => number },
): RowLabels {
  const taken = stringColumn(columns, spec.action);
  const succeeded = numericColumn(columns, spec.succeeded);
  const outcomeAt = numericColumn(columns, spec.outcomeAt);
  const rows = taken.length;
  const target = new Float64Array(rows).fill(Number.NaN);
  const action = new Int32Array(rows).fill(-1);
  const outcome = new Float64Array(rows).fill(Number.NaN);
  for (let row = 0; row < rows; row++) {
    if (!knownBy(outcomeAt[row]!, asOfMs)) continue;
    action[row] = spec.classes.indexOf(taken[row] ?? '');
    outcome[row] = succeeded[row]!;
    target[row] = spec.teach(row, action[row]!, succeeded[row] === 1);
  }
  return { target, action, outcome, stratum: stringColumn(columns, 'decline_type').map((type) => type ?? 'none') };
}
