import { describe, expect, test } from 'vitest';
import { createAuthorizer } from './auth.js';

const authorize = createAuthorizer({ writeTokens: ['w-token'], readTokens: ['r-token'], protectReads: false, disabled: false });
const basic = (password: string) => `Basic ${Buffer.from(`anyone:${password}`).toString('base64')}`;

describe('createAuthorizer', () => {
  test('lets anyone read when reads are open', () => {
    expect(authorize(undefined, 'read')).toEqual({ allowed: true });
  });

  test('answers a write without a token, or with an unknown one, with 401', () => {
    expect(authorize(undefined, 'write')).toEqual({ allowed: false, status: 401 });
    expect(authorize('Bearer nope', 'write')).toEqual({ allowed: false, status: 401 });
    expect(authorize('Token w-token', 'write')).toEqual({ allowed: false, status: 401 });
  });

  test('answers a write with a read-only token with 403', () => {
    expect(authorize('Bearer r-token', 'write')).toEqual({ allowed: false, status: 403 });
  });

  test('accepts a write token as Bearer, or as the password of Basic auth', () => {
    expect(authorize('Bearer w-token', 'write')).toEqual({ allowed: true });
    expect(authorize('bearer   w-token', 'write')).toEqual({ allowed: true });
    expect(authorize(basic('w-token'), 'write')).toEqual({ allowed: true });
  });

  test('protects reads when configured, accepting read and write tokens', () => {
    const strict = createAuthorizer({ writeTokens: ['w-token'], readTokens: ['r-token'], protectReads: true, disabled: false });
    expect(strict(undefined, 'read')).toEqual({ allowed: false, status: 401 });
    expect(strict('Bearer r-token', 'read')).toEqual({ allowed: true });
    expect(strict('Bearer w-token', 'read')).toEqual({ allowed: true });
  });

  test('checks nothing when disabled', () => {
    const open = createAuthorizer({ writeTokens: [], readTokens: [], protectReads: true, disabled: true });
    expect(open(undefined, 'write')).toEqual({ allowed: true });
  });
});
