import { describe, expect, test } from 'vitest';
import { attachmentDisposition, parseArtifactPath } from './artifact-path.js';

describe('parseArtifactPath', () => {
  test('keeps relative paths and drops a trailing slash', () => {
    expect(parseArtifactPath('1/abc/artifacts/model/MLmodel')).toBe('1/abc/artifacts/model/MLmodel');
    expect(parseArtifactPath('plots/')).toBe('plots');
    expect(parseArtifactPath('with space/ünïcode.txt')).toBe('with space/ünïcode.txt');
  });

  test('reads an absent or empty path as the root', () => {
    expect(parseArtifactPath(undefined)).toBe('');
    expect(parseArtifactPath('')).toBe('');
    expect(() => parseArtifactPath('', { allowRoot: false })).toThrow(/required/);
  });

  test('refuses paths that escape the root or name something else', () => {
    for (const path of ['../secret', 'a/../../b', 'a/./b', '/etc/passwd', 'a//b', 'C:/windows', 'a\\b', 'a#b', 'a\u0000b', '..']) {
      expect(() => parseArtifactPath(path), path).toThrow(expect.objectContaining({ errorCode: 'INVALID_PARAMETER_VALUE' }));
    }
  });

  test('refuses traversal hidden behind percent-encoding, once or twice', () => {
    expect(() => parseArtifactPath('a/%2e%2e/b')).toThrow(/Invalid path/);
    expect(() => parseArtifactPath('a/%252e%252e%252fb')).toThrow(/Invalid path/);
  });
});

describe('attachmentDisposition', () => {
  test('puts a plain ASCII name in filename alone', () => {
    expect(attachmentDisposition('model.onnx')).toBe('attachment; filename="model.onnx"');
  });

  test('gives any other name as UTF-8 in filename*, with an ASCII stand-in a header can hold (found by schemathesis)', () => {
    const name = '𝕋𝕙𝕖 "fox" 100% é.txt';
    const header = attachmentDisposition(name);
    expect(header).toBe(`attachment; filename="___ _fox_ 100_ _.txt"; filename*=UTF-8''${encodeURIComponent(name)}`);
    // Every character is one Node accepts in a header value.
    expect(header).toMatch(/^[\x20-\x7e]+$/);
    expect(decodeURIComponent(header.split("UTF-8''")[1]!)).toBe(name);
  });
});
