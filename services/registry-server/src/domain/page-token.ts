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

/** A search's `max_results`: its default when absent, INVALID_PARAMETER_VALUE outside 1..max. */
export function pageSize(requested: number | undefined, { fallback, max }: { fallback: number; max: number }): number {
  const size = requested ?? fallback;
  if (size < 1 || size > max) {
    throw MlflowError.invalidParameter(`Invalid value ${size} for parameter 'max_results' supplied. It must be a positive integer at most ${max}`);
  }
  return size;
}

/**
 * A search response in protobuf-JSON form: the page under `field` (left out when empty) and a
 * next_page_token when more rows than the page were fetched.
 */
export function pagedResponse<Field extends string, T>(field: Field, fetched: readonly T[], offset: number, size: number): Partial<Record<Field, T[]>> & { next_page_token?: string } {
  const response: Partial<Record<Field, T[]>> & { next_page_token?: string } = {};
  if (fetched.length > 0) (response as Record<string, T[]>)[field] = fetched.slice(0, size);
  const token = nextPageToken(offset, size, fetched.length);
  if (token !== undefined) response.next_page_token = token;
  return response;
}
