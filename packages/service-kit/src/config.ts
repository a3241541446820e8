import { z } from 'zod';

/** One thing wrong with the environment, named by the variable at fault. */
export interface ConfigProblem {
  variable: string;
  message: string;
}

/** Thrown by `loadConfig`; its message lists every problem at once, one `VAR_NAME: message` per line. */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Parses the environment with a zod schema and returns its output.
 * Call it from `main.ts` only: parsing at import time would make every importer depend on the
 * process environment. Empty variables count as unset, so `PORT=` falls back to the default
 * instead of failing as a number. Values are never echoed in errors (they may be secrets).
 */
export function loadConfig<T extends z.ZodType>(schema: T, env: Env = process.env): z.output<T> {
  const present: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') present[name] = value;
  }
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => toProblem(issue, present)));
}

function toProblem(issue: z.core.$ZodIssue, present: Record<string, string>): ConfigProblem {
  if (issue.code === 'unrecognized_keys') {
    return { variable: issue.keys.join(', '), message: 'not a recognised variable' };
  }
  const variable = issue.path.map(String).join('.') || '(environment)';
  const topLevel = issue.path[0];
  if (issue.code === 'invalid_type' && typeof topLevel === 'string' && !(topLevel in present)) {
    return { variable, message: 'is required but not set' };
  }
  return { variable, message: issue.message };
}

const BOOLEAN_SPELLINGS = ['true', 'false', '1', '0'] as const;

/**
 * A strict boolean variable: only 'true', 'false', '1' or '0'. Anything else ('yes', 'TRUE ',
 * 'ture') is an error rather than a silent false. Use `envBoolean.default(false)` for optional flags.
 */
export const envBoolean = z
  .enum(BOOLEAN_SPELLINGS, { error: `must be one of ${BOOLEAN_SPELLINGS.join(', ')}` })
  .transform((value) => value === 'true' || value === '1');

/** An integer variable within bounds, e.g. `envInteger({ min: 1 }).default(50)`. */
export function envInteger({ min, max }: { min?: number; max?: number } = {}) {
  let schema = z.coerce
    .number({ error: 'must be an integer' })
    .int({ error: 'must be an integer' });
  if (min !== undefined) schema = schema.min(min, { error: `must be at least ${min}` });
  if (max !== undefined) schema = schema.max(max, { error: `must be at most ${max}` });
  return schema;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const LogLevel = z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` });
export type LogLevel = z.infer<typeof LogLevel>;

/**
 * What every service reads from its environment. Services extend it with their own variables and
 * usually give PORT their default: `BaseServiceConfig.extend({ PORT: envInteger({min: 0, max: 65535}).default(6566), ... })`.
 */
export const BaseServiceConfig = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: envInteger({ min: 0, max: 65535 }),
  LOG_LEVEL: LogLevel.default('info'),
  SHUTDOWN_TIMEOUT_MS: envInteger({ min: 1 }).default(10_000),
});
export type BaseServiceConfig = z.infer<typeof BaseServiceConfig>;
