import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseCommand, UsageError } from './cli-args.js';

const NOW = Date.parse('2026-11-26T10:15:30.250Z');
const parse = (line: string) => parseCommand(line.split(' ').filter(Boolean), () => NOW);
const refusal = (line: string): string => {
  try {
    parse(line);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`accepted: ${line}`);
};

describe('simulator command line', () => {
  it('reads a seed command with the Makefile defaults', () => {
    expect(parse('seed --events 1000000 --days 90 --seed 42')).toEqual({
      command: 'seed',
      refresh: true,
      simulation: { seed: 42, startMs: Date.parse('2026-01-01T00:00:00Z'), days: 90, events: 1_000_000, drifts: [] },
    });
  });

  it('reads a stream command, starting at the current second unless told', () => {
    const command = parse('stream --rate 20000 --seed 7 --duration 30 --drift new-fraud-pattern:2');
    expect(command).toMatchObject({
      command: 'stream',
      ratePerSecond: 20_000,
      durationMs: 30_000,
      maxPayments: undefined,
      simulation: { seed: 7, startMs: Date.parse('2026-11-26T10:15:30Z'), days: 30, events: undefined },
    });
    expect(parse('stream --rate 5 --start 2026-03-01').simulation.startMs).toBe(Date.parse('2026-03-01T00:00:00Z'));
  });

  it.each([
    ['seed --events 0', /--events must be greater than zero/],
    ['seed --events -10', /--events must be greater than zero/],
    ['seed --events 2.5', /--events must be an integer/],
    ['seed --events lots', /--events must be a number/],
    ['seed --days 90', /--events is required/],
    ['seed --events 100 --days 0', /--days must be greater than zero/],
    ['seed --events 100 --seed 1.5', /--seed must be an integer/],
    ['seed --events 100 --seed -1', /--seed must be at least 0/],
    ['seed --events 100 --customers 3', /--customers must be at least 20/],
    ['seed --events 100 --days 10 --drift amount-shift:10', /--drift.*must be before the end of the span/],
    ['seed --events 100 --start yesterday', /--start must be an ISO 8601/],
    ['seed --events 100 --rate 5', /--rate is not an option of seed/],
    ['stream --seed 1', /--rate is required/],
    ['stream --rate 0', /--rate must be greater than 0/],
    ['stream --rate -5', /--rate must be greater than 0/],
    ['stream --rate 100 --duration 0', /--duration must be greater than 0/],
    ['stream --rate 100 --skip-refresh', /--skip-refresh is not an option of stream/],
    ['seed --events 100 --bogus 1', /Unknown option '--bogus'/],
    ['replay --events 100', /unknown command "replay"/],
    ['', /a command is required/],
  ])('refuses `%s`', (line, message) => {
    expect(refusal(line)).toMatch(message);
  });

  it('lists every problem at once', () => {
    const message = refusal('seed --events 0 --days -1 --seed x');
    expect(message.split('\n')).toHaveLength(3);
  });

  it('exits with status 2 and the reason when the parameters are impossible', async () => {
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const run = promisify(execFile)(process.execPath, ['--conditions=source', '--import', 'tsx', cli, 'seed', '--events', '0'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
    });
    await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('error: --events must be greater than zero (got "0")') });
  }, 30_000);
});
