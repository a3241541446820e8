import type { ColumnDrift } from '@payments-mlops/contracts';
import { useState } from 'preact/hooks';
import { formatNumber } from '../format';
import {
  DEFAULT_DRIFT_ORDER,
  DRIFT_METHODS,
  nextDriftOrder,
  sortDriftRows,
  thresholdText,
  type DriftOrder,
  type DriftSortKey,
} from '../monitoring/drift-rows';

const COLUMNS: {
  key: DriftSortKey | undefined;
  label: string;
  numeric?: boolean;
  title?: string;
}[] = [
  { key: 'column', label: 'Feature' },
  { key: 'kind', label: 'Kind' },
  {
    key: 'method',
    label: 'Method',
    title: 'Wasserstein or Jensen-Shannon above 1,000 reference rows, K-S or chi-squared below',
  },
  {
    key: 'statistic',
    label: 'Statistic',
    numeric: true,
    title: 'Distance, or p-value for the tests',
  },
  {
    key: undefined,
    label: 'Threshold',
    numeric: true,
    title: 'The side on which the column counts as drifted',
  },
  { key: 'drifted', label: 'Drifted' },
  {
    key: 'psi',
    label: 'PSI',
    numeric: true,
    title: 'Population stability index over the reference deciles',
  },
  { key: undefined, label: 'Rows', numeric: true, title: 'Current window / reference' },
];

/** One row per column of the report: drifted ones marked, sortable by any measure, drifted first. */
export function DriftTable({ rows, label }: { rows: readonly ColumnDrift[]; label: string }) {
  const [order, setOrder] = useState<DriftOrder>(DEFAULT_DRIFT_ORDER);
  const sorted = sortDriftRows(rows, order);
  return (
    <div class="table-scroll">
      <table class="table drift-table" aria-label={label}>
        <thead>
          <tr>
            {COLUMNS.map(({ key, label: heading, numeric, title }) => {
              const current = key !== undefined && order.key === key;
              return (
                <th
                  key={heading}
                  scope="col"
                  class={`${key ? 'sortable' : ''}${numeric ? ' number' : ''}`}
                  title={title}
                  aria-sort={current ? (order.ascending ? 'ascending' : 'descending') : undefined}
                >
                  {key ? (
                    <button type="button" onClick={() => setOrder(nextDriftOrder(order, key))}>
                      {heading}
                      <span aria-hidden="true" class="sort-mark">
                        {current ? (order.ascending ? '▲' : '▼') : ''}
                      </span>
                    </button>
                  ) : (
                    heading
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((row) => {
            const method = DRIFT_METHODS[row.method];
            return (
              <tr
                key={row.column}
                class={row.drifted ? 'drifted' : undefined}
                data-testid="drift-row"
              >
                <th scope="row" class="mono">
                  {row.column}
                </th>
                <td>{row.kind}</td>
                <td>{method.label}</td>
                <td class="number" title={`${method.statistic} ${row.statistic}`}>
                  {formatNumber(row.statistic)}
                </td>
                <td class="number">{thresholdText(row)}</td>
                <td>
                  {row.drifted ? (
                    <span class="badge drift-yes">drifted</span>
                  ) : (
                    <span class="badge drift-no">no</span>
                  )}
                </td>
                <td class="number">{formatNumber(row.psi)}</td>
                <td class="number">
                  {row.current_count.toLocaleString('en-US')} /{' '}
                  {row.reference_count.toLocaleString('en-US')}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
