import type { ViewType } from '@payments-mlops/contracts';

export type LifecycleView = 'active' | 'deleted' | 'all';

/** MLflow's view types for each choice of the toggle. */
export const VIEW_TYPES: Record<LifecycleView, ViewType> = {
  active: 'ACTIVE_ONLY',
  deleted: 'DELETED_ONLY',
  all: 'ALL',
};

export function parseView(value: string | null): LifecycleView {
  return value === 'deleted' || value === 'all' ? value : 'active';
}

/** Active / deleted / all, as a radio group: arrow keys move between the choices. */
export function ViewToggle({
  value,
  onChange,
  noun,
}: {
  value: LifecycleView;
  onChange: (value: LifecycleView) => void;
  noun: string;
}) {
  return (
    <fieldset class="segmented" data-testid="view-toggle">
      <legend class="visually-hidden">Show {noun}</legend>
      {(['active', 'deleted', 'all'] as const).map((choice) => (
        <label key={choice} class={value === choice ? 'selected' : ''}>
          <input
            type="radio"
            name={`view-${noun}`}
            value={choice}
            checked={value === choice}
            onChange={() => onChange(choice)}
          />
          {choice === 'all' ? 'All' : choice === 'active' ? 'Active' : 'Deleted'}
        </label>
      ))}
    </fieldset>
  );
}
