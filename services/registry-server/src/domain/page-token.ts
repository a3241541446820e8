import { MlflowError } from '@payments-mlops/contracts';

/*
 * Page tokens are opaque to clients: base64 of {"offset": n}, the form MLflow's own stores use, so
 * a token from either server is understood by both. A token whose offset is past the end yields
 * an empty page, not an error.
 */

export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

export function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
  } catch {
    throw MlflowError.invalidParameter(`Invalid page token '${token.slice(0, 100)}': not a token this server issued`);
  }
  const offset = typeof parsed === 'object' && parsed !== null ? (parsed as { offset?: unknown }).offset : undefined;
  const value = typeof offset === 'string' && /^\d+$/.test(offset) ? Number(offset) : offset;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw MlflowError.invalidParameter(`Invalid page token '${token.slice(0, 100)}': not a token this server issued`);
  }
  return value;
}

/** The next page's token, when `fetched` (up to one more than `pageSize`) shows there is one. */
export function nextPageToken(offset: number, pageSize: number, fetched: number): string | undefined {
  return fetched > pageSize ? encodePageToken(offset + pageSize) : undefined;
}
