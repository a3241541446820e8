import { describe, expect, test } from 'vitest';
import { decodePageToken, encodePageToken, nextPageToken } from './page-token.js';

describe('page tokens', () => {
  test('round-trip an offset', () => {
    expect(decodePageToken(encodePageToken(1000))).toBe(1000);
  });

  test("read MLflow's own tokens, whose offset may be a string", () => {
    expect(decodePageToken(Buffer.from('{"offset": 20}').toString('base64'))).toBe(20);
    expect(decodePageToken(Buffer.from('{"offset": "40"}').toString('base64'))).toBe(40);
  });

  test('start at zero without a token', () => {
    expect(decodePageToken(undefined)).toBe(0);
    expect(decodePageToken('')).toBe(0);
  });

  test('reject tokens this server did not issue, with INVALID_PARAMETER_VALUE', () => {
    for (const token of ['not base64 json', Buffer.from('{"offset": -1}').toString('base64'), Buffer.from('[]').toString('base64')]) {
      expect(() => decodePageToken(token)).toThrow(expect.objectContaining({ errorCode: 'INVALID_PARAMETER_VALUE' }));
    }
  });

  test('offer a next page only when more rows than the page were fetched', () => {
    expect(nextPageToken(0, 10, 10)).toBeUndefined();
    expect(decodePageToken(nextPageToken(20, 10, 11))).toBe(30);
  });
});
