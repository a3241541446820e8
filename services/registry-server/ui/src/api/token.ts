import { useEffect, useState } from 'preact/hooks';

/*
 * The bearer token the UI sends with every request, kept in this browser's localStorage: reads are
 * open on most registries, writes (moving an alias) need a token with write access.
 */

const STORAGE_KEY = 'registry-ui.token';
const listeners = new Set<(token: string | undefined) => void>();

export function readToken(): string | undefined {
  try {
    return window.localStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    // Storage can be disabled (private mode, policies): the UI still reads without a token.
    return undefined;
  }
}

export function saveToken(token: string | undefined): void {
  const trimmed = token?.trim();
  try {
    if (trimmed) window.localStorage.setItem(STORAGE_KEY, trimmed);
    else window.localStorage.removeItem(STORAGE_KEY);
  } catch {
    // See readToken.
  }
  listeners.forEach((listener) => listener(trimmed || undefined));
}

export function useToken(): string | undefined {
  const [token, setToken] = useState(readToken);
  useEffect(() => {
    listeners.add(setToken);
    return () => void listeners.delete(setToken);
  }, []);
  return token;
}
