import type { TrainingJob } from './jobs/job-store.js';
import type { TrainingReport } from './domain/training-run.js';

const fmt = (value: number | undefined | null): string => (value === undefined || value === null || !Number.isFinite(value) ? '—' : value.toFixed(4));

/** The table `make train-models` prints: one line per job, metric beside champion and rule. */
export function summaryTable(jobs: readonly TrainingJob[]): string {
  const header = ['model', 'version', 'metric', 'model', 'champion', 'rule', 'promoted', 'seconds', 'status'];
  const rows = jobs.map((job) => {
    const seconds = job.started_at && job.finished_at ? ((Date.parse(job.finished_at) - Date.parse(job.started_at)) / 1000).toFixed(1) : '—';
    if (job.status !== 'succeeded' || job.result === null) {
      return [job.task, '—', '—', '—', '—', '—', 'no', seconds, `${job.status}: ${job.error ?? ''}`];
    }
    const report = job.result as unknown as TrainingReport;
    return [
      report.registered_model,
      report.version,
      report.primary_metric,
      fmt(report.candidate.primary),
      report.champion ? `${fmt(report.champion.primary)} (v${report.champion.version})` : 'none',
      fmt(report.baseline.primary),
      report.promoted ? 'yes' : 'no',
      seconds,
      report.promoted ? 'succeeded' : `succeeded; kept from champion by ${heldBack(report)}`,
    ];
  });
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Time per step of each job, in seconds. */
export function stepTable(jobs: readonly TrainingJob[]): string {
  const steps = ['training_set', 'train', 'evaluate', 'onnx', 'champion', 'artifacts', 'register'] as const;
  const header = ['model', ...steps];
  const rows = jobs.flatMap((job) => {
    const report = job.result as unknown as TrainingReport | null;
    if (report === null) return [];
    return [[job.task, ...steps.map((step) => ((report.timings_ms[step] ?? 0) / 1000).toFixed(1))]];
  });
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** The gates a version did not pass, with what each measured. */
function heldBack(report: TrainingReport): string {
  const failed = report.gates.filter((check) => !check.passed);
  return failed.length === 0 ? 'no gate' : failed.map((check) => `${check.gate} (${check.detail})`).join('; ');
}
