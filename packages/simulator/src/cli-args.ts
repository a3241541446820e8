import { parseArgs } from 'node:util';
import { z } from 'zod';
import { parseDrift, SimulationOptions, type Drift, type ResolvedSimulationOptions } from './params.js';

export const USAGE = `usage:
  simulator seed   --events N [--days D] [--seed S] [--start ISO] [--customers C] [--drift kind:day[:magnitude]]... [--skip-refresh]
  simulator stream --rate R [--seed S] [--duration SECONDS] [--events N] [--start ISO] [--customers C] [--days D] [--drift ...]

  drift kinds: amount-shift (magnitude: amount factor, default 1.5),
               new-fraud-pattern (magnitude: rate multiplier, default 1)`;

/** A command line the simulator refuses; the CLI prints the message and exits with status 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const DEFAULT_SEED_START = '2026-01-01T00:00:00Z';

export type Command =
  | { command: 'seed'; simulation: ResolvedSimulationOptions; refresh: boolean }
  | {
      command: 'stream';
      simulation: ResolvedSimulationOptions;
      ratePerSecond: number;
      durationMs: number | undefined;
      maxPayments: number | undefined;
    };

const FLAG_OF_OPTION: Record<string, string> = {
  seed: '--seed',
  startMs: '--start',
  days: '--days',
  events: '--events',
  customers: '--customers',
  drifts: '--drift',
};

function numberFlag(flag: string, raw: string | undefined, problems: string[]): number | undefined {
  if (raw === undefined) return undefined;
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  if (Number.isNaN(value)) problems.push(`${flag} must be a number (got "${raw}")`);
  return value;
}

function startFlag(raw: string | undefined, fallback: () => number, problems: string[]): number {
  if (raw === undefined) return fallback();
  const parsed = z.iso.datetime({ offset: true }).or(z.iso.date()).safeParse(raw);
  if (!parsed.success) {
    problems.push(`--start must be an ISO 8601 date or date-time with an offset, e.g. 2026-01-01T00:00:00Z (got "${raw}")`);
    return 0;
  }
  return Date.parse(parsed.data.length === 10 ? `${parsed.data}T00:00:00Z` : parsed.data);
}

/** `--events -10` reads as a flag followed by a value, so that the value can be refused as such. */
function joinNegativeValues(argv: readonly string[]): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    if (arg.startsWith('--') && !arg.includes('=') && next !== undefined && /^-\d/.test(next)) {
      args.push(`${arg}=${next}`);
      i++;
    } else {
      args.push(arg);
    }
  }
  return args;
}

/**
 * Parses and validates a command line, reporting every problem at once. `now` gives the default
 * start of a stream (the only use of the wall clock: live payments start now).
 */
export function parseCommand(argv: readonly string[], now: () => number = Date.now): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(argv),
      allowPositionals: true,
      strict: true,
      options: {
        events: { type: 'string' },
        days: { type: 'string' },
        seed: { type: 'string' },
        start: { type: 'string' },
        customers: { type: 'string' },
        drift: { type: 'string', multiple: true },
        rate: { type: 'string' },
        duration: { type: 'string' },
        'skip-refresh': { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { positionals, values } = parsed;
  const command = positionals[0];
  if ((command !== 'seed' && command !== 'stream') || positionals.length > 1) {
    throw new UsageError(command === undefined ? 'a command is required: seed or stream' : `unknown command "${positionals.join(' ')}"`);
  }
  const problems: string[] = [];
  const refuse = (flag: string): void => {
    if (values[flag as keyof typeof values] !== undefined) problems.push(`--${flag} is not an option of ${command}`);
  };
  if (command === 'seed') ['rate', 'duration'].forEach(refuse);
  else refuse('skip-refresh');

  const drifts: Drift[] = [];
  for (const spec of values.drift ?? []) {
    try {
      drifts.push(parseDrift(spec));
    } catch (error) {
      problems.push(`--drift ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const events = numberFlag('--events', values.events, problems);
  if (command === 'seed' && events === undefined) problems.push('--events is required');
  const ratePerSecond = numberFlag('--rate', values.rate, problems);
  const durationSeconds = numberFlag('--duration', values.duration, problems);
  if (command === 'stream') {
    if (ratePerSecond === undefined) problems.push('--rate is required');
    else if (!(ratePerSecond > 0) || ratePerSecond > 1_000_000) problems.push(`--rate must be greater than 0 and at most 1,000,000 events/s (got "${values.rate}")`);
    if (durationSeconds !== undefined && !(durationSeconds > 0)) problems.push(`--duration must be greater than 0 seconds (got "${values.duration}")`);
  }
  const input = {
    seed: numberFlag('--seed', values.seed, problems) ?? 42,
    startMs: startFlag(values.start, () => (command === 'seed' ? Date.parse(DEFAULT_SEED_START) : Math.floor(now() / 1000) * 1000), problems),
    days: numberFlag('--days', values.days, problems) ?? (command === 'seed' ? 90 : 30),
    events,
    customers: numberFlag('--customers', values.customers, problems),
    drifts,
  };
  const validated = SimulationOptions.safeParse(input);
  if (!validated.success) {
    for (const issue of validated.error.issues) {
      const option = String(issue.path[0] ?? '');
      const flag = FLAG_OF_OPTION[option] ?? option;
      const value = option === 'drifts' ? undefined : input[option as Exclude<keyof typeof input, 'drifts'>];
      const raw = value === undefined ? '' : ` (got "${value}")`;
      if (!problems.some((p) => p.startsWith(flag))) problems.push(`${flag} ${issue.message}${raw}`);
    }
  }
  if (problems.length > 0 || !validated.success) throw new UsageError(problems.join('\n'));
  if (command === 'seed') return { command, simulation: validated.data, refresh: values['skip-refresh'] !== true };
  return {
    command,
    simulation: { ...validated.data, events: undefined },
    ratePerSecond: ratePerSecond as number,
    durationMs: durationSeconds === undefined ? undefined : durationSeconds * 1000,
    maxPayments: validated.data.events,
  };
}
