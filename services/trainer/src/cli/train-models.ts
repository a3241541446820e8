/**
 * `make train-models`: trains the four models (or `--tasks a,b`) end to end against the running
 * stack, through the same job runner and job history as the service, and prints the summary.
 * Exits 1 when any job failed.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { MODEL_TASKS, ModelTask } from '@payments-mlops/contracts';
import { createLogger, loadConfig } from '@payments-mlops/service-kit';
import { TrainerConfig } from '../config.js';
import { stepTable, summaryTable } from '../summary-table.js';
import { createTrainerContext } from '../trainer-context.js';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: MODEL_TASKS.join(',') },
    'as-of': { type: 'string' },
    'no-materialize': { type: 'boolean', default: false },
    /** Also write the jobs, with their reports, as JSON to this file (for the benchmark). */
    report: { type: 'string' },
  },
});
const tasks = values.tasks.split(',').map((task) => ModelTask.parse(task.trim()));
const asOfMs = values['as-of'] !== undefined ? Date.parse(values['as-of']) : undefined;
if (asOfMs !== undefined && Number.isNaN(asOfMs)) {
  console.error(`--as-of: '${values['as-of']}' is not an ISO time`);
  process.exit(2);
}

const config = loadConfig(TrainerConfig);
const logger = createLogger({ service: 'trainer', level: config.LOG_LEVEL });
const context = await createTrainerContext(config, logger);
const started = Date.now();
try {
  const submitted = [];
  for (const task of tasks) {
    submitted.push(
      await context.runner.submit({
        task,
        trigger: 'cli',
        reason: 'make train-models',
        ...(asOfMs !== undefined ? { asOfMs } : {}),
        ...(values['no-materialize'] ? { materialize: false } : {}),
      }),
    );
  }
  await context.runner.drain();
  const jobs = await Promise.all(submitted.map(async (job) => (await context.jobs.get(job.job_id))!));
  const seconds = (Date.now() - started) / 1000;
  const peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(`\n${summaryTable(jobs)}\n\nseconds per step\n${stepTable(jobs)}\n\nall ${jobs.length} in ${seconds.toFixed(1)} s, peak memory ${peakMb.toFixed(0)} MB`);
  if (values.report !== undefined) await writeFile(values.report, JSON.stringify({ seconds, peak_rss_mb: peakMb, jobs }));
  process.exitCode = jobs.every((job) => job.status === 'succeeded') ? 0 : 1;
} finally {
  await context.close();
}
