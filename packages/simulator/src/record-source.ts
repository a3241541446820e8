import { Worker } from 'node:worker_threads';
import type { SimulationOptions } from './params.js';
import { generateBatch, PAYMENT, unpackValues, type PackedValues, type RecordBatch } from './record-batches.js';
import type { PaymentSimulation } from './simulation.js';

/** Hands out simulated records for publishing, a given number of payments at a time. */
export interface RecordSource {
  /** The next records, up to `payments` payment events and the labels among them. */
  take(payments: number): Promise<RecordBatch>;
  /** Resolves once records can be taken without waiting for the generator to start. */
  ready(): Promise<void>;
  /** Event time of the latest record generated. */
  readonly now: number;
  close(): Promise<void>;
}

/** Generates on the calling thread. */
export function inlineSource(simulation: PaymentSimulation): RecordSource {
  return {
    take: (payments) => Promise.resolve(generateBatch(simulation, payments)),
    ready: () => Promise.resolve(),
    get now() {
      return simulation.now;
    },
    close: () => Promise.resolve(),
  };
}

function sliceBatch(batch: RecordBatch, start: number, end: number): RecordBatch {
  return {
    kinds: batch.kinds.subarray(start, end),
    keys: batch.keys.slice(start, end),
    values: batch.values.slice(start, end),
    ats: batch.ats.subarray(start, end),
    exhausted: false,
  };
}

function concatBatches(parts: RecordBatch[], exhausted: boolean): RecordBatch {
  if (parts.length === 1 && parts[0]) return { ...parts[0], exhausted };
  const length = parts.reduce((sum, part) => sum + part.kinds.length, 0);
  const kinds = new Uint8Array(length);
  const ats = new Float64Array(length);
  let offset = 0;
  for (const part of parts) {
    kinds.set(part.kinds, offset);
    ats.set(part.ats, offset);
    offset += part.kinds.length;
  }
  return { kinds, keys: parts.flatMap((p) => p.keys), values: parts.flatMap((p) => p.values), ats, exhausted };
}

/**
 * Built, the worker is a .js file beside this one. Run from TypeScript sources (tsx, vitest), the
 * worker registers tsx's loader first, since loaders registered here do not reach worker threads.
 */
function startGenerationWorker(options: SimulationOptions): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./generation-worker.js', import.meta.url), { workerData: { options } });
  }
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./generation-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: { options }, execArgv: ['--conditions=source'] });
}

/** Payments per worker batch: the worker stays this far ahead of the publisher. */
const WORKER_BATCH = 2000;

interface WorkerBatch extends RecordBatch {
  now: number;
}

/** What the generation worker posts. */
interface PostedBatch extends Omit<RecordBatch, 'values'> {
  packed: PackedValues;
  now: number;
}

/**
 * Generates on a worker thread, one batch ahead of what is taken, so generation and publishing
 * use both cores. Takes are cut from the worker's batches at payment boundaries, so the records
 * come out exactly as an inline source would hand them out.
 */
export function workerSource(options: SimulationOptions): RecordSource {
  const worker = startGenerationWorker(options);
  const waiting: ((batch: WorkerBatch) => void)[] = [];
  let failure: Error | undefined;
  const failed: ((error: Error) => void)[] = [];
  worker.on('message', ({ packed, ...batch }: PostedBatch) => waiting.shift()?.({ ...batch, values: unpackValues(packed) }));
  worker.on('error', (error) => {
    failure = error;
    for (const reject of failed.splice(0)) reject(error);
  });
  const request = (): Promise<WorkerBatch> =>
    new Promise((resolve, reject) => {
      if (failure) return reject(failure);
      waiting.push(resolve);
      failed.push(reject);
      worker.postMessage({ payments: WORKER_BATCH });
    });

  let current: WorkerBatch | undefined;
  let cursor = 0;
  let ahead: Promise<WorkerBatch> | undefined = request();
  let now = 0;
  const source: RecordSource = {
    async take(payments) {
      const parts: RecordBatch[] = [];
      let taken = 0;
      let exhausted = false;
      while (taken < payments) {
        if (!current || cursor >= current.kinds.length) {
          if (current?.exhausted || !ahead) {
            exhausted = true;
            break;
          }
          current = await ahead;
          cursor = 0;
          ahead = current.exhausted ? undefined : request();
          continue;
        }
        // Cut at the payment that completes the take; labels after it wait for the next one.
        let end = cursor;
        while (end < current.kinds.length && taken < payments) {
          if (current.kinds[end] === PAYMENT) taken++;
          end++;
        }
        parts.push(sliceBatch(current, cursor, end));
        now = current.ats[end - 1] ?? now;
        cursor = end;
      }
      return concatBatches(parts, exhausted);
    },
    async ready() {
      await ahead;
    },
    get now() {
      return now;
    },
    async close() {
      await worker.terminate();
    },
  };
  return source;
}
