import { MlflowError } from '@payments-mlops/contracts';

/*
 * Artifact paths are relative POSIX paths under the artifact root. Anything that could escape the
 * root or name something else is refused before it reaches a store: `..` or `.` segments, absolute
 * paths, backslashes, drive letters, empty segments, control characters and '#', also when they
 * are hidden behind (repeated) percent-encoding.
 */

function decodeFully(path: string): string {
  let current = path;
  for (let i = 0; i < 10; i += 1) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
  return current;
}

// Control characters (C0 and DEL), '#' and backslashes.
function hasForbiddenCharacter(path: string): boolean {
  for (const char of path) {
    const code = char.charCodeAt(0);
    if (code < 0x20 || code === 0x7f || char === '#' || char === '\\') return true;
  }
  return false;
}

/** The normalised relative path, or '' for the root; throws INVALID_PARAMETER_VALUE "Invalid path". */
export function parseArtifactPath(raw: string | undefined, { allowRoot = true } = {}): string {
  const path = decodeFully(raw ?? '').replace(/\/+$/, '');
  if (path === '') {
    if (allowRoot) return '';
    throw MlflowError.invalidParameter('Invalid path: an artifact path is required');
  }
  const segments = path.split('/');
  if (
    hasForbiddenCharacter(path) ||
    path.startsWith('/') ||
    /^[A-Za-z]:/.test(path) ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..')
  ) {
    throw MlflowError.invalidParameter(`Invalid path '${raw ?? ''}'`);
  }
  return path;
}

export function joinArtifactPath(...parts: string[]): string {
  return parts.filter((part) => part !== '').join('/');
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * `Content-Disposition` of a download (RFC 6266): the name as UTF-8 in `filename*` (RFC 8187), and
 * an ASCII stand-in in `filename` for clients that read only that. An HTTP header holds Latin-1
 * only, so such a name cannot go in as it is; a plain ASCII name goes in `filename` alone.
 */
export function attachmentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/gu, '_');
  if (ascii === name) return `attachment; filename="${name}"`;
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
