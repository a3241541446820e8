import type { MetricIn } from '@payments-mlops/contracts';
import type { RegistryClient } from '@payments-mlops/registry-client';

/** Runs `work(i)` for i in [0, count) with at most `concurrency` in flight. */
async function pool(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

const T0 = Date.UTC(2026, 0, 1);

/** `runs` runs with a `steps`-point `loss` history each; returns their ids. */
export async function seedHistories(
  client: RegistryClient,
  experimentId: string,
  runs: number,
  steps: number,
): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < runs; index += 1) {
    const start = T0 + index * 3_600_000;
    const { run } = await client.api.createRun({
      experiment_id: experimentId,
      run_name: `long-${index}`,
      user_id: 'bench',
      start_time: start,
    });
    ids.push(run.info.run_id);
  }
  await pool(runs, 4, async (index) => {
    const metrics: MetricIn[] = [];
    for (let step = 0; step < steps; step += 1) {
      const value =
        (1.5 + index * 0.05) * Math.exp(-step / (steps / 4)) +
        0.1 +
        0.02 * Math.sin(step / 7 + index);
      metrics.push({ key: 'loss', value, timestamp: T0 + index * 3_600_000 + step * 250, step });
    }
    await client.logMetrics(ids[index]!, metrics);
  });
  return ids;
}
