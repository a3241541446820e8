import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { Empty } from './states';

export interface KeyValueRow {
  key: string;
  value: ComponentChildren;
  /** Text the filter box matches besides the key. */
  text?: string;
  extra?: ComponentChildren;
}

/** Rows for params or tags as logged: the value shown as it is, and matched by the filter. */
export function keyValueRows(
  items: readonly { key: string; value: string }[] | undefined,
): KeyValueRow[] {
  return (items ?? []).map(({ key, value }) => ({ key, value, text: value }));
}

/** Params, tags or metrics as a two-column table, with a filter box once there are many. */
export function KeyValueTable({
  rows,
  label,
  empty,
  extraHeader,
}: {
  rows: KeyValueRow[];
  label: string;
  empty: string;
  extraHeader?: string;
}) {
  const [filter, setFilter] = useState('');
  if (rows.length === 0) return <Empty title={empty} />;
  const needle = filter.trim().toLowerCase();
  const shown = needle
    ? rows.filter(
        (row) => row.key.toLowerCase().includes(needle) || row.text?.toLowerCase().includes(needle),
      )
    : rows;
  return (
    <div class="kv">
      {rows.length > 8 ? (
        <input
          type="search"
          class="kv-filter"
          placeholder={`Filter ${label.toLowerCase()}…`}
          aria-label={`Filter ${label.toLowerCase()}`}
          value={filter}
          onInput={(event) => setFilter(event.currentTarget.value)}
        />
      ) : null}
      <table class="table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Value</th>
            {extraHeader ? <th scope="col">{extraHeader}</th> : null}
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <tr key={row.key}>
              <th scope="row" class="mono">
                {row.key}
              </th>
              <td class="mono wrap">{row.value}</td>
              {extraHeader ? <td>{row.extra}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
      {needle && shown.length === 0 ? <p class="muted">Nothing matches “{filter}”.</p> : null}
    </div>
  );
}
