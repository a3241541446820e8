import type { AggregationFilter } from '@payments-mlops/contracts';

export type ConditionValue = string | number | boolean;

/**
 * One normalised condition of a filter. As in SQL, an event whose field is null matches neither
 * `in` nor `not_in`, so the JS predicate and the compiled SQL agree on nulls too.
 */
export type Condition =
  | { field: string; op: 'in' | 'not_in'; values: ConditionValue[] }
  | { field: string; op: 'not_null' };

/** A filter as a sorted list of conditions, so equal filters compare (and fingerprint) equal. */
export function normalizeFilter(filter: AggregationFilter | undefined): Condition[] {
  return Object.entries(filter ?? {})
    .map(([field, condition]): Condition => {
      const negated = typeof condition === 'object' && !Array.isArray(condition);
      const raw = negated ? condition.not : condition;
      const values = (Array.isArray(raw) ? [...raw] : [raw]).sort((a, b) => String(a).localeCompare(String(b)));
      return { field, op: negated ? 'not_in' : 'in', values };
    })
    .sort((a, b) => a.field.localeCompare(b.field));
}

export function conditionsKey(conditions: readonly Condition[]): string {
  return JSON.stringify(conditions);
}

export type EventRecord = Readonly<Record<string, unknown>>;

export function matches(conditions: readonly Condition[], event: EventRecord): boolean {
  for (const condition of conditions) {
    const value = event[condition.field];
    if (value === null || value === undefined) return false;
    if (condition.op === 'not_null') continue;
    const found = condition.values.includes(value as ConditionValue);
    if (condition.op === 'in' ? !found : found) return false;
  }
  return true;
}

/** The same conditions as a SQL predicate over the table alias `alias`; 'true' when there are none. */
export function conditionsSql(conditions: readonly Condition[], alias: string): string {
  if (conditions.length === 0) return 'true';
  return conditions
    .map((condition) => {
      const column = `${alias}.${condition.field}`;
      if (condition.op === 'not_null') return `${column} IS NOT NULL`;
      // A null column makes IN and NOT IN null, i.e. not matching: the JS predicate's rule.
      return `${column} ${condition.op === 'in' ? 'IN' : 'NOT IN'} (${condition.values.map(sqlLiteral).join(', ')})`;
    })
    .join(' AND ');
}

/** Filter values were validated as plain tokens (no quotes), numbers or booleans. */
export function sqlLiteral(value: ConditionValue): string {
  if (typeof value === 'string') {
    if (!/^[A-Za-z0-9_.:-]+$/.test(value)) throw new Error(`unsafe filter value ${JSON.stringify(value)}`);
    return `'${value}'`;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`unsafe filter value ${value}`);
    return String(value);
  }
  return value ? 'true' : 'false';
}
