import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@payments-mlops/test-infra';

const run = promisify(execFile);

/** Pinned, as every anchor and tool from PyPI is: the run of next month must fuzz as this one does. */
export const SCHEMATHESIS_REQUIREMENTS = ['schemathesis==4.32.5'];

/** The schemathesis executable, from a virtual environment made (once) by infra/local/python-venv.sh. */
export async function schemathesisExecutable(): Promise<string> {
  const { stdout } = await run(
    'bash',
    [
      path.join(REPO_ROOT, 'infra/local/python-venv.sh'),
      'api-conformance',
      ...SCHEMATHESIS_REQUIREMENTS,
    ],
    {
      timeout: 600_000,
    },
  );
  return path.join(stdout.trim(), 'bin', 'schemathesis');
}

export interface FuzzOptions {
  /** The service's OpenAPI document, e.g. http://127.0.0.1:8002/docs/json. */
  schemaUrl: string;
  /** Sent with every request, e.g. the registry's write token. */
  headers?: Readonly<Record<string, string>>;
  /** schemathesis check names (`schemathesis run --help` lists them). */
  checks: readonly string[];
  maxExamples: number;
  seed: number;
  /** Only the operations whose path matches this regular expression. */
  includePathRegex?: string;
  /** Operations left out, by a regular expression over their path. */
  excludePathRegex?: string;
  /** Test phases to run (examples, coverage, fuzzing, stateful); all by default. */
  phases?: readonly string[];
}

/** The part of schemathesis' JSON report (`--report json`) this package reads. */
export interface FuzzReport {
  exit_code: number;
  complete: boolean;
  operations: { selected: number; tested: number; errored: number };
  test_cases: {
    generated: number;
    with_failures: number;
    unique_failures: number;
    errored: number;
  };
  failures: { code: string; title: string; count: number; operations: string[] }[];
  errors: unknown[];
}

export interface FuzzResult {
  report: FuzzReport;
  /** What schemathesis printed: each failure with the response and a curl command that repeats it. */
  output: string;
}

/**
 * One schemathesis run against a live service: every operation of its OpenAPI document, with
 * requests generated from the schemas (valid ones and ones that break them), each answer judged
 * by `checks`. The seed makes the run repeatable.
 */
export async function fuzzApi(executable: string, options: FuzzOptions): Promise<FuzzResult> {
  const reportDir = await mkdtemp(path.join(tmpdir(), 'api-conformance-'));
  const reportPath = path.join(reportDir, 'report.json');
  const args = [
    'run',
    options.schemaUrl,
    '--checks',
    options.checks.join(','),
    '--max-examples',
    String(options.maxExamples),
    '--seed',
    String(options.seed),
    '--workers',
    '2',
    '--no-color',
    '--report',
    'json',
    '--report-json-path',
    reportPath,
    ...Object.entries(options.headers ?? {}).flatMap(([name, value]) => [
      '--header',
      `${name}: ${value}`,
    ]),
    ...(options.includePathRegex === undefined
      ? []
      : ['--include-path-regex', options.includePathRegex]),
    ...(options.excludePathRegex === undefined
      ? []
      : ['--exclude-path-regex', options.excludePathRegex]),
    ...(options.phases === undefined ? [] : ['--phases', options.phases.join(',')]),
  ];
  try {
    // A run that finds failures exits 1; the report says what they were.
    // In the report's directory: schemathesis keeps a cache of what it found (.schemathesis/) in
    // its working directory, and a run must not depend on the runs before it.
    const output = await run(executable, args, {
      cwd: reportDir,
      timeout: 900_000,
      maxBuffer: 64 * 1024 * 1024,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    }).then(
      ({ stdout, stderr }) => `${stdout}${stderr}`,
      (error: { stdout?: string; stderr?: string; code?: unknown }) => {
        if (typeof error.code !== 'number') throw error;
        return `${error.stdout ?? ''}${error.stderr ?? ''}`;
      },
    );
    const report = JSON.parse(
      await readFile(reportPath, 'utf8').catch(() => {
        throw new Error(`schemathesis wrote no report:\n${output.slice(-4_000)}`);
      }),
    ) as FuzzReport;
    return { report, output };
  } finally {
    await rm(reportDir, { recursive: true, force: true });
  }
}

/** The errors and failures sections of schemathesis' output, for an assertion message. */
export function failureDetails(output: string, limit = 12_000): string {
  const headings = ['ERRORS', 'FAILURES']
    .map((heading) => output.indexOf(`= ${heading} =`))
    .filter((index) => index !== -1);
  // From the start of the heading's line of '=' signs.
  const start = headings.length === 0 ? 0 : output.lastIndexOf('\n', Math.min(...headings)) + 1;
  const text = output.slice(start);
  return text.length > limit ? `${text.slice(0, limit)}\n…` : text;
}
