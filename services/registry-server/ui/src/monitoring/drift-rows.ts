import type { ColumnDrift, DriftMethod } from '@payments-mlops/contracts';
import { formatNumber } from '../format';

/** How each method reads: distances drift above their threshold, test p-values below it. */
export const DRIFT_METHODS: Record<
  DriftMethod,
  { label: string; statistic: string; pValue: boolean }
> = {
  wasserstein: { label: 'Wasserstein (normed)', statistic: 'distance', pValue: false },
  jensen_shannon: { label: 'Jensen-Shannon', statistic: 'distance', pValue: false },
  ks: { label: 'K-S test', statistic: 'p-value', pValue: true },
  chi_squared: { label: 'Chi-squared test', statistic: 'p-value', pValue: true },
};

/** `> 0.1` for a distance, `< 0.05` for a p-value: the side on which the column counts as drifted. */
export function thresholdText(drift: Pick<ColumnDrift, 'method' | 'threshold'>): string {
  return `${DRIFT_METHODS[drift.method].pValue ? '<' : '>'} ${formatNumber(drift.threshold)}`;
}

/** A model metric as people compare them: three decimals ("0.547"), "—" when there is none. */
export function formatMetric(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : String(Number(value.toFixed(3)));
}

export function formatShare(share: number): string {
  return `${Math.round(share * 100)} %`;
}

export type DriftSortKey = 'drifted' | 'column' | 'kind' | 'method' | 'statistic' | 'psi';

export interface DriftOrder {
  key: DriftSortKey;
  ascending: boolean;
}

/** Drifted columns first, the largest PSI first among them: where to look first. */
export const DEFAULT_DRIFT_ORDER: DriftOrder = { key: 'drifted', ascending: false };

const byPsi = (a: ColumnDrift, b: ColumnDrift) => b.psi - a.psi || a.column.localeCompare(b.column);

const COMPARE: Record<DriftSortKey, (a: ColumnDrift, b: ColumnDrift) => number> = {
  drifted: (a, b) => Number(a.drifted) - Number(b.drifted),
  column: (a, b) => a.column.localeCompare(b.column),
  kind: (a, b) => a.kind.localeCompare(b.kind),
  method: (a, b) => DRIFT_METHODS[a.method].label.localeCompare(DRIFT_METHODS[b.method].label),
  statistic: (a, b) => a.statistic - b.statistic,
  psi: (a, b) => a.psi - b.psi,
};

/** The rows in the chosen order; ties keep drifted-first, largest-PSI-first. */
export function sortDriftRows(
  rows: readonly ColumnDrift[],
  { key, ascending }: DriftOrder,
): ColumnDrift[] {
  const compare = COMPARE[key];
  return [...rows].sort(
    (a, b) =>
      (ascending ? compare(a, b) : compare(b, a)) ||
      Number(b.drifted) - Number(a.drifted) ||
      byPsi(a, b),
  );
}

/** A click on a header: the same column flips its direction, another starts from its natural one. */
export function nextDriftOrder(current: DriftOrder, key: DriftSortKey): DriftOrder {
  if (current.key === key) return { key, ascending: !current.ascending };
  return { key, ascending: key === 'column' || key === 'kind' || key === 'method' };
}
