import { useEffect, useState } from 'preact/hooks';
import { replaceQuery, useLocation } from '../router';

export interface SearchFormProps {
  /** The query parameter of the address the search lives in, so a search can be shared as a link. */
  param: string;
  label: string;
  placeholder: string;
  button?: string;
  /** A long expression (the runs filter): the box takes the toolbar's width, in a monospace font. */
  expression?: boolean;
  describedBy?: string;
}

/** A search box that applies on Enter or its button, and clears; "/" focuses it (app.tsx). */
export function SearchForm({
  param,
  label,
  placeholder,
  button = 'Filter',
  expression = false,
  describedBy,
}: SearchFormProps) {
  const { query } = useLocation();
  const applied = query.get(param) ?? '';
  const [draft, setDraft] = useState(applied);
  useEffect(() => setDraft(applied), [applied]);
  return (
    <form
      class={expression ? 'search wide' : 'search'}
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        replaceQuery({ [param]: draft.trim() });
      }}
    >
      <input
        type="search"
        data-search
        class={expression ? 'mono' : undefined}
        aria-label={label}
        aria-describedby={describedBy}
        placeholder={placeholder}
        value={draft}
        onInput={(event) => setDraft(event.currentTarget.value)}
      />
      <button type="submit">{button}</button>
      {applied ? (
        <button
          type="button"
          class="secondary"
          onClick={() => replaceQuery({ [param]: undefined })}
        >
          Clear
        </button>
      ) : null}
    </form>
  );
}
