import { describe, expect, it } from 'vitest';
import type { TrainingJob } from './jobs/job-store.js';
import { summaryTable } from './summary-table.js';

function succeededJob(promoted: boolean, gates: { gate: string; passed: boolean; detail: string }[]): TrainingJob {
  const report = {
    registered_model: 'fraud-detector',
    version: '3',
    primary_metric: 'pr_auc',
    promoted,
    candidate: { primary: 0.61, calibration: 0.01 },
    champion: { primary: 0.6, calibration: 0.01, version: '2' },
    baseline: { primary: 0.2, calibration: 0.1 },
    gates,
  };
  return {
    job_id: 'j',
    task: 'fraud',
    status: 'succeeded',
    trigger: 'cli',
    reason: null,
    request: {},
    step: null,
    progress: 1,
    logs: [],
    result: report,
    error: null,
    created_at: '2026-12-08T00:00:00.000Z',
    started_at: '2026-12-08T00:00:00.000Z',
    finished_at: '2026-12-08T00:00:09.000Z',
  };
}

describe('summaryTable', () => {
  it('names the gates that kept a version from champion, with what each measured', () => {
    const table = summaryTable([
      succeededJob(false, [
        { gate: 'beats_champion', passed: false, detail: 'candidate 0.61000 vs champion 0.60000 + margin 0.005' },
        { gate: 'onnx_parity', passed: true, detail: 'max |onnx − model| 1.00e-7 ≤ 0.00001' },
        { gate: 'latency', passed: false, detail: 'p99 6.200 ms of CPU per one-row call ≤ 5 ms' },
      ]),
    ]);
    expect(table).toContain(
      'succeeded; kept from champion by beats_champion (candidate 0.61000 vs champion 0.60000 + margin 0.005); latency (p99 6.200 ms of CPU per one-row call ≤ 5 ms)',
    );
    expect(table).toMatch(/fraud-detector\s+3\s+pr_auc\s+0\.6100\s+0\.6000 \(v2\)\s+0\.2000\s+no\s+9\.0/);
  });

  it('says succeeded alone for a promoted version', () => {
    const table = summaryTable([succeededJob(true, [{ gate: 'latency', passed: true, detail: 'p99 0.1 ms' }])]);
    expect(table.split('\n')[2]).toMatch(/yes\s+9\.0\s+succeeded$/);
  });
});
