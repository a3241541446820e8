import type { RegisteredModelAlias } from '@payments-mlops/contracts';
import { useState } from 'preact/hooks';
import { call } from '../api/registry-api';
import { useToken } from '../api/token';
import { openTokenDialog } from '../components/token-dialog';
import { Link, pathOf } from '../router';

interface Outcome {
  ok: boolean;
  text: string;
}

/**
 * The model's aliases, to point at this version or remove. Writes go out with the token kept in
 * this browser; without one (or with a read-only one) the registry refuses, and the editor says so.
 */
export function AliasEditor({
  name,
  version,
  aliases,
  onChanged,
}: {
  name: string;
  version: string;
  aliases: RegisteredModelAlias[];
  onChanged: () => void;
}) {
  const token = useToken();
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>();

  const write = async (work: () => Promise<unknown>, success: string): Promise<boolean> => {
    setBusy(true);
    setOutcome(undefined);
    try {
      await work();
      setOutcome({ ok: true, text: success });
      onChanged();
      return true;
    } catch (error) {
      setOutcome({ ok: false, text: error instanceof Error ? error.message : String(error) });
      return false;
    } finally {
      setBusy(false);
    }
  };
  const point = (alias: string) =>
    write(
      () => call('setRegisteredModelAlias', { name, alias, version }),
      `@${alias} now points at version ${version}.`,
    );
  const remove = (alias: string) =>
    write(() => call('deleteRegisteredModelAlias', { name, alias }), `@${alias} removed.`);

  return (
    <div class="alias-editor" data-testid="alias-editor">
      {!token ? (
        <p class="notice">
          Changing aliases needs a token with write access.{' '}
          <button type="button" class="link-button" onClick={openTokenDialog}>
            Set a token
          </button>
        </p>
      ) : null}
      {aliases.length > 0 ? (
        <table class="table" aria-label="Aliases of this model">
          <thead>
            <tr>
              <th scope="col">Alias</th>
              <th scope="col">Points at</th>
              <th scope="col">
                <span class="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {aliases.map(({ alias, version: target }) => (
              <tr key={alias} data-alias={alias}>
                <th scope="row" class="mono">
                  @{alias}
                </th>
                <td>
                  {target === version ? (
                    <strong>this version</strong>
                  ) : (
                    <Link href={pathOf('models', name, 'versions', target)}>version {target}</Link>
                  )}
                </td>
                <td>
                  {target === version ? (
                    <button
                      type="button"
                      class="secondary"
                      disabled={busy || !token}
                      onClick={() => void remove(alias)}
                    >
                      Remove @{alias}
                    </button>
                  ) : (
                    <button
                      type="button"
                      disabled={busy || !token}
                      onClick={() => void point(alias)}
                    >
                      Move @{alias} here
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">This model has no aliases yet.</p>
      )}
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          const alias = draft.trim();
          if (alias) void point(alias).then((done) => done && setDraft(''));
        }}
      >
        <label>
          Alias{' '}
          <input
            class="mono"
            value={draft}
            onInput={(event) => setDraft(event.currentTarget.value)}
            placeholder="champion"
            disabled={!token}
            data-testid="alias-input"
          />
        </label>
        <button type="submit" disabled={busy || !token || draft.trim() === ''}>
          Point at version {version}
        </button>
      </form>
      <p
        role="status"
        aria-live="polite"
        class={outcome ? (outcome.ok ? 'outcome ok' : 'outcome error') : 'outcome'}
        data-testid="alias-outcome"
      >
        {outcome?.text ?? ''}
      </p>
    </div>
  );
}
