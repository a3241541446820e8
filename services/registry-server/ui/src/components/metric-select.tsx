import { replaceQuery } from '../router';

/** Chooses the charted metric; the choice lives in the address (?metric=), so a chart can be shared. */
export function MetricSelect({
  keys,
  value,
}: {
  keys: readonly string[];
  value: string | undefined;
}) {
  return (
    <label>
      Metric{' '}
      <select
        value={value}
        onChange={(event) => replaceQuery({ metric: event.currentTarget.value })}
        data-testid="metric-select"
      >
        {keys.map((key) => (
          <option key={key} value={key}>
            {key}
          </option>
        ))}
      </select>
    </label>
  );
}
