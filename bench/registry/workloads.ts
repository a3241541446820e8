import type { JsonClient } from './http-client.js';
import { summarise, timed } from './stats.js';

/*
 * The workloads of `make bench-registry`, written against MLflow's REST API only, so the same
 * code measures registry-server and MLflow's own server.
 */

interface RunResponse {
  run: { info: { run_id: string } };
}

export async function createExperiment(client: JsonClient, name: string): Promise<string> {
  return (await client.ok<{ experiment_id: string }>('POST', '/experiments/create', { name })).experiment_id;
}

export async function createRun(client: JsonClient, experimentId: string): Promise<string> {
  return (await client.ok<RunResponse>('POST', '/runs/create', { experiment_id: experimentId, start_time: Date.now() })).run.info.run_id;
}

/** runs/create from `clients` concurrent clients for `durationMs`: throughput and latency. */
export async function createRunsRate(client: JsonClient, experimentId: string, clients: number, durationMs: number) {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + durationMs;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const { result, ms } = await timed(() => client.call('POST', '/runs/create', { experiment_id: experimentId, start_time: Date.now() }));
        if (result.status === 200) latencies.push(ms);
        else errors += 1;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return { runsPerSecond: latencies.length / seconds, created: latencies.length, errors, latency: summarise(latencies) };
}

/** A batch of `size` metrics: ten keys, each over size/10 consecutive steps from `firstStep`. */
export function metricBatch(size: number, firstStep: number, timestamp: number) {
  return Array.from({ length: size }, (_, index) => ({
    key: `metric_${index % 10}`,
    value: Math.sin(firstStep + index),
    timestamp,
    step: firstStep + Math.floor(index / 10),
  }));
}

/** Sequential log-batch calls of 1,000 metrics each to one run: latency. */
export async function logBatchLatency(client: JsonClient, runId: string, iterations: number) {
  const latencies: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const metrics = metricBatch(1000, i * 100, 1_700_000_000_000 + i);
    const { ms } = await timed(() => client.ok('POST', '/runs/log-batch', { run_id: runId, metrics }));
    latencies.push(ms);
  }
  return summarise(latencies.slice(2));
}

export const SEARCH_REQUEST = (experimentId: string) => ({
  experiment_ids: [experimentId],
  filter: 'metrics.auc > 0.2',
  order_by: ['metrics.auc DESC'],
  max_results: 1000,
});

/** Sequential searches with a metric filter and order_by, max_results 1000: latency. */
export async function searchLatency(client: JsonClient, experimentId: string, iterations: number) {
  const latencies: number[] = [];
  let returned = 0;
  for (let i = 0; i < iterations; i += 1) {
    const { result, ms } = await timed(() => client.ok<{ runs?: unknown[] }>('POST', '/runs/search', SEARCH_REQUEST(experimentId)));
    returned = result.runs?.length ?? 0;
    latencies.push(ms);
  }
  return { ...summarise(latencies.slice(1)), returned };
}

/**
 * `writers` clients logging batches of distinct metrics to one run for `durationMs`. Returns
 * how many metrics the server acknowledged and how many calls failed; the caller compares the
 * acknowledged count with what the database holds.
 */
export async function concurrentWriters(client: JsonClient, runId: string, writers: number, durationMs: number, batchSize: number) {
  let acknowledged = 0;
  let errors = 0;
  const errorSamples: string[] = [];
  const deadline = performance.now() + durationMs;
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let round = 0; performance.now() < deadline; round += 1) {
        // Steps unique per writer and round: every acknowledged metric is a distinct row.
        const metrics = metricBatch(batchSize, (round * writers + writer) * batchSize, 1_700_000_000_000 + round);
        const response = await client.call('POST', '/runs/log-batch', { run_id: runId, metrics }).catch((error: Error) => ({ status: 0, body: error.message }));
        if (response.status === 200) acknowledged += batchSize;
        else {
          errors += 1;
          if (errorSamples.length < 3) errorSamples.push(`${response.status}: ${JSON.stringify(response.body).slice(0, 200)}`);
        }
      }
    }),
  );
  return { acknowledged, errors, errorSamples };
}
