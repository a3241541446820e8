/*
 * make bench-drift: per-feature and dataset drift over a window of 100,000 predictions × 30
 * features (20 numeric, 10 categorical) against a 100,000-row reference profile, beside the 1 s
 * target of issue 9 and Evidently's DataDriftPreset (same methods and threshold) on the same data;
 * also the whole pass of the monitor, reading the window from the Postgres prediction log.
 * QUICK=1 runs fewer repetitions.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildReferenceProfile,
  detectDatasetDrift,
  predictionColumns,
} from '@payments-mlops/monitoring';
import {
  CATEGORICAL_FEATURES,
  DRIFTED_FEATURES,
  NUMERIC_FEATURES,
  asRecords,
  driftData,
  toCsv,
} from './drift-data.js';
import { timeWindowPass } from './window-read.js';

const quick = process.argv.includes('--quick');
const ROWS = 100_000;
const repetitions = quick ? 3 : 10;
const evidentlyPython = process.env.EVIDENTLY_PYTHON;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
function time(run: () => void): number[] {
  run();
  return Array.from({ length: repetitions }, () => {
    const t0 = performance.now();
    run();
    return performance.now() - t0;
  });
}

const reference = driftData(ROWS, 1, false);
const current = driftData(ROWS, 2, true);
const profile = buildReferenceProfile({
  task: 'fraud',
  features: reference.features,
  scores: reference.scores,
});
const report = detectDatasetDrift(profile, current);
const named = report.features.filter((f) => f.drifted).map((f) => f.column);
const exact =
  named.length === DRIFTED_FEATURES.length && named.every((n) => DRIFTED_FEATURES.includes(n));

const driftMs = median(time(() => detectDatasetDrift(profile, current)));
const records = asRecords(current, ROWS);
const features = [...NUMERIC_FEATURES, ...CATEGORICAL_FEATURES];
const columnsMs = median(time(() => predictionColumns(records, features, ['fraud', 'legitimate'])));
const profileMs = median(
  time(() =>
    buildReferenceProfile({
      task: 'fraud',
      features: reference.features,
      scores: reference.scores,
    }),
  ),
);

const databaseUrl =
  process.env.WAREHOUSE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/payments';
const passMs = median(await timeWindowPass(databaseUrl, current, ROWS, profile, repetitions));

let evidently = 'not run (EVIDENTLY_PYTHON unset)';
if (evidentlyPython) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-drift-'));
  try {
    writeFileSync(join(dir, 'reference.csv'), toCsv(reference, ROWS));
    writeFileSync(join(dir, 'current.csv'), toCsv(current, ROWS));
    const out = execFileSync(
      evidentlyPython,
      [
        join(import.meta.dirname, 'evidently_anchor.py'),
        dir,
        NUMERIC_FEATURES.join(','),
        CATEGORICAL_FEATURES.join(','),
        String(repetitions),
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const result = JSON.parse(out) as { median_ms: number; drifted: string[] };
    evidently = `${result.median_ms.toFixed(0)} ms (median of ${repetitions}), drifted: ${result.drifted.join(' ')}; ours is ${(result.median_ms / driftMs).toFixed(1)}× faster`;
  } catch (error) {
    evidently = `failed: ${(error as Error).message.split('\n')[0]}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows = [
  [
    'drift, 100,000 × 30 (+2 scores), from columns',
    `${driftMs.toFixed(0)} ms`,
    'target ≤ 1,000 ms',
    `${(driftMs / 1000).toFixed(2)} of the target`,
  ],
  ['log records to columns, 100,000 × 30', `${columnsMs.toFixed(0)} ms`, '', ''],
  [
    'whole pass: read from Postgres, columns, drift',
    `${passMs.toFixed(0)} ms`,
    'target ≤ 1,000 ms',
    `${(passMs / 1000).toFixed(2)} of the target`,
  ],
  ['reference profile, 100,000 × 30 (+2 scores)', `${profileMs.toFixed(0)} ms`, '', ''],
];
console.log(`bench-drift: medians of ${repetitions} runs, reference and window 100,000 rows each`);
for (const r of rows)
  console.log(`  ${r[0]!.padEnd(48)} ${r[1]!.padStart(8)}   ${r[2]!.padEnd(18)} ${r[3]}`);
console.log(
  `  drifted features: ${named.join(' ')} (${exact ? 'exactly the injected ones' : `expected ${DRIFTED_FEATURES.join(' ')}`}); dataset drift: ${report.dataset_drift} at share ${report.drifted_share.toFixed(2)}`,
);
console.log(
  `  Evidently 0.7.23 DataDriftPreset (wasserstein / jensenshannon, threshold 0.1), same data: ${evidently}`,
);
if (!exact) process.exitCode = 1;
