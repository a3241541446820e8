import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BaseServiceConfig, ConfigError, envBoolean, envInteger, loadConfig } from './config.js';

const ServiceConfig = BaseServiceConfig.extend({
  REDIS_URL: z.url(),
  CACHE_ENABLED: envBoolean.default(false),
  BATCH_SIZE: envInteger({ min: 1, max: 1000 }).default(50),
});

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.variable}: ${p.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies defaults and coerces numbers', () => {
    const config = loadConfig(ServiceConfig, {
      PORT: '6566',
      REDIS_URL: 'redis://127.0.0.1:6379/0',
    });
    expect(config).toEqual({
      HOST: '127.0.0.1',
      PORT: 6566,
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: 10_000,
      REDIS_URL: 'redis://127.0.0.1:6379/0',
      CACHE_ENABLED: false,
      BATCH_SIZE: 50,
    });
  });

  it('lists every problem at once, each named by its variable', () => {
    const problems = problemsOf(() =>
      loadConfig(ServiceConfig, {
        PORT: 'eighty',
        LOG_LEVEL: 'verbose',
        CACHE_ENABLED: 'yes',
        BATCH_SIZE: '0',
      }),
    );
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'BATCH_SIZE',
      'CACHE_ENABLED',
      'LOG_LEVEL',
      'PORT',
      'REDIS_URL',
    ]);
    expect(problems).toContain('REDIS_URL: is required but not set');
    expect(problems).toContain('BATCH_SIZE: must be at least 1');
    expect(problems).toContain('PORT: must be an integer');
  });

  it('puts every problem in the error message as VAR_NAME: message', () => {
    expect(() => loadConfig(ServiceConfig, { PORT: '99999', SHUTDOWN_TIMEOUT_MS: '1.5' })).toThrow(
      /PORT: must be at most 65535\n.*SHUTDOWN_TIMEOUT_MS: must be an integer\n.*REDIS_URL: is required but not set/,
    );
  });

  it('never echoes values, which may be secrets', () => {
    const error = (() => {
      try {
        loadConfig(ServiceConfig, {
          PORT: 'hunter2-secret',
          REDIS_URL: 'not a url with password s3cr3t',
        });
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error.message).not.toMatch(/hunter2|s3cr3t/);
  });

  it('treats an empty variable as unset, so the default applies', () => {
    const config = loadConfig(ServiceConfig, {
      PORT: '1',
      REDIS_URL: 'redis://x',
      LOG_LEVEL: '',
      BATCH_SIZE: '',
    });
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.BATCH_SIZE).toBe(50);
  });

  it('reads process.env by default', () => {
    const Schema = z.object({ SERVICE_KIT_TEST_VALUE: z.string() });
    process.env.SERVICE_KIT_TEST_VALUE = 'from-env';
    try {
      expect(loadConfig(Schema).SERVICE_KIT_TEST_VALUE).toBe('from-env');
    } finally {
      delete process.env.SERVICE_KIT_TEST_VALUE;
    }
  });
});

describe('envBoolean', () => {
  const Flags = z.object({ FLAG: envBoolean });

  it.each([
    ['true', true],
    ['1', true],
    ['false', false],
    ['0', false],
  ])('reads %s as %s', (raw, expected) => {
    expect(loadConfig(Flags, { FLAG: raw }).FLAG).toBe(expected);
  });

  it.each(['yes', 'no', 'TRUE', 'False', 'on', ' true', '2'])(
    'rejects %j instead of reading it as false',
    (raw) => {
      expect(problemsOf(() => loadConfig(Flags, { FLAG: raw }))).toEqual([
        'FLAG: must be one of true, false, 1, 0',
      ]);
    },
  );
});

describe('BaseServiceConfig', () => {
  it('requires PORT and accepts port 0 (any free port)', () => {
    expect(problemsOf(() => loadConfig(BaseServiceConfig, {}))).toEqual([
      'PORT: is required but not set',
    ]);
    expect(loadConfig(BaseServiceConfig, { PORT: '0' }).PORT).toBe(0);
  });

  it('rejects an unknown log level by listing the valid ones', () => {
    expect(
      problemsOf(() => loadConfig(BaseServiceConfig, { PORT: '1', LOG_LEVEL: 'verbose' })),
    ).toEqual(['LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent']);
  });
});
