import { describe, expect, test } from 'vitest';
import { createAuthorizer, routeAuthDocs } from './auth.js';

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

  test('documents the token, and the 401 and 403 without it, where the server asks for one', () => {
    const open = { protectReads: false, disabled: false };
    expect(routeAuthDocs(open, 'write')).toMatchObject({ security: [{ registryToken: [] }] });
    expect(Object.keys(routeAuthDocs(open, 'write').response)).toEqual(['401', '403']);
    expect(routeAuthDocs(open, 'write').response['401']).toMatchObject({ content: { 'text/plain': { schema: expect.anything() } } });
    // Reads are open unless protected; a protected read may answer 401, never 403.
    expect(routeAuthDocs(open, 'read')).toEqual({ response: {} });
    const protectedReads = routeAuthDocs({ protectReads: true, disabled: false }, 'read');
    expect(protectedReads.security).toEqual([{ registryToken: [] }]);
    expect(Object.keys(protectedReads.response)).toEqual(['401']);
    // With auth off nothing asks for a token.
    expect(routeAuthDocs({ protectReads: true, disabled: true }, 'write')).toEqual({ response: {} });
    expect(createAuthorizer({ writeTokens: [], readTokens: [], protectReads: true, disabled: false }).docs('read')).toEqual(protectedReads);
  });
});
