import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { formatLine } from './pretty-stream.js';

function capture(pretty = false) {
  const lines: string[] = [];
  const logger = createLogger({
    service: 'registry-server',
    level: 'debug',
    destination: { write: (line: string) => void lines.push(line) },
    pretty,
  });
  return { logger, lines };
}

describe('createLogger', () => {
  it('writes one JSON object per line with level name, ISO time and service', () => {
    const { logger, lines } = capture();
    logger.info({ model: 'fraud' }, 'model loaded');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'info',
      service: 'registry-server',
      model: 'fraud',
      msg: 'model loaded',
    });
    expect(JSON.parse(lines[0]!).time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('redacts credentials in headers and secret fields at the top level or one level down', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        req: {
          headers: {
            authorization: 'Bearer abc.def',
            cookie: 'session=xyz',
            'x-api-key': 'k-123',
            accept: 'application/json',
          },
        },
        password: 'hunter2',
        s3: { secretAccessKey: 'minio-secret', region: 'us-east-1' },
        oauth: { access_token: 'tok-1', refresh_token: 'tok-2' },
      },
      'request with secrets',
    );
    const text = lines[0]!;
    for (const secret of [
      'abc.def',
      'session=xyz',
      'k-123',
      'hunter2',
      'minio-secret',
      'tok-1',
      'tok-2',
    ])
      expect(text).not.toContain(secret);
    const entry = JSON.parse(text);
    expect(entry.req.headers).toEqual({
      authorization: '[redacted]',
      cookie: '[redacted]',
      'x-api-key': '[redacted]',
      accept: 'application/json',
    });
    expect(entry.s3).toEqual({ secretAccessKey: '[redacted]', region: 'us-east-1' });
  });

  it('writes readable lines instead of JSON when asked to be pretty', () => {
    const { logger, lines } = capture(true);
    logger.warn({ attempt: 2 }, 'retrying');
    expect(stripVTControlCharacters(lines[0]!)).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} WARN {2}retrying \{"attempt":2\}\n$/,
    );
    expect(() => JSON.parse(lines[0]!) as unknown).toThrow();
  });
});

describe('formatLine', () => {
  it('prints an error stack under its line and passes non-JSON through', () => {
    const line = JSON.stringify({
      level: 'error',
      time: '2026-01-02T03:04:05.678Z',
      msg: 'failed',
      err: { message: 'x', stack: 'Error: x\n    at f' },
    });
    expect(stripVTControlCharacters(formatLine(line))).toBe(
      '03:04:05.678 ERROR failed\nError: x\n    at f\n',
    );
    expect(formatLine('plain text\n')).toBe('plain text\n');
  });
});
