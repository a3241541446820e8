import { useRef, useState } from 'preact/hooks';
import { saveToken, useToken } from '../api/token';

/**
 * The header's token button and its dialog. The token is kept in this browser only and sent as
 * `Authorization: Bearer …` (what MLflow's client sends for MLFLOW_TRACKING_TOKEN).
 */
export function TokenButton() {
  const token = useToken();
  const dialog = useRef<HTMLDialogElement>(null);
  const [draft, setDraft] = useState('');
  const open = () => {
    setDraft('');
    dialog.current?.showModal();
  };
  return (
    <>
      <button
        type="button"
        class={`token-button ${token ? 'has-token' : ''}`}
        onClick={open}
        data-testid="token-button"
      >
        {token ? 'Token set' : 'Set token'}
      </button>
      <dialog ref={dialog} class="dialog" aria-labelledby="token-dialog-title">
        <form
          method="dialog"
          onSubmit={(event) => {
            const submitter = (event as SubmitEvent).submitter as HTMLButtonElement | null;
            if (submitter?.value === 'save') saveToken(draft);
            if (submitter?.value === 'forget') saveToken(undefined);
          }}
        >
          <h2 id="token-dialog-title">Registry token</h2>
          <p class="muted">
            Reading needs no token unless the registry protects reads. Changing aliases needs a
            token with write access. It is stored in this browser only.
          </p>
          <label class="field">
            <span>Bearer token</span>
            <input
              type="password"
              autoComplete="off"
              value={draft}
              onInput={(event) => setDraft(event.currentTarget.value)}
              placeholder={
                token ? 'A token is set; enter a new one to replace it' : 'Paste a token'
              }
              data-testid="token-input"
            />
          </label>
          {/* Save comes first: Enter in the field submits with the first button. The row is reversed on screen. */}
          <div class="dialog-actions">
            <button type="submit" value="save" disabled={draft.trim() === ''}>
              Save token
            </button>
            <button type="submit" value="cancel" class="secondary">
              Cancel
            </button>
            {token ? (
              <button type="submit" value="forget" class="secondary">
                Forget token
              </button>
            ) : null}
          </div>
        </form>
      </dialog>
    </>
  );
}

/** Opens the token dialog from elsewhere (an alias editor without a token). */
export function openTokenDialog(): void {
  document.querySelector<HTMLButtonElement>('[data-testid="token-button"]')?.click();
}
