import { ONNX_INPUT, ONNX_PROBABILITIES } from '@payments-mlops/boosting';
import * as ort from 'onnxruntime-node';
import { ThreadCpuClock } from './thread-cpu.js';

/** An ONNX model in onnxruntime-node, as serving will run it. */
export class OnnxScorer {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly numFeatures: number,
  ) {}

  static async load(bytes: Uint8Array, numFeatures: number): Promise<OnnxScorer> {
    // One thread, as a serving process scores one request at a time.
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    return new OnnxScorer(session, numFeatures);
  }

  /** Probabilities, row-major `[rows, classes]`, of a row-major float32 matrix. */
  async score(rows: Float32Array): Promise<Float32Array> {
    const count = rows.length / this.numFeatures;
    const output = await this.session.run({ [ONNX_INPUT]: new ort.Tensor('float32', rows, [count, this.numFeatures]) });
    return output[ONNX_PROBABILITIES]!.data as Float32Array;
  }

  /** Columns → probabilities, in chunks so a large test set does not make one huge tensor. */
  async scoreColumns(columns: readonly ArrayLike<number>[], rows: number, chunk = 50_000): Promise<Float32Array> {
    const parts: Float32Array[] = [];
    for (let start = 0; start < rows; start += chunk) {
      const end = Math.min(rows, start + chunk);
      parts.push(await this.score(rowMajor(columns, start, end)));
    }
    const out = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  /**
   * One-row calls over `calls` distinct rows, after a warm-up: wall-clock p50 and p99, and the p99
   * of the CPU time each call took. The gate reads the CPU time of this thread, where onnxruntime
   * computes with one intra-op thread: neither a machine busy with other work nor this process'
   * other threads (another job's garbage collection or snapshot upload) inflate it.
   *
   * onnxruntime-node runs a session in a setImmediate of its own, queued when `run` is called.
   * Other work of this process (another training job's synchronous step, say) may run in the
   * turns before it, so each call is timed from an immediate queued just before `run`: the two
   * are adjacent in the queue and nothing else runs between them, nor between onnxruntime's
   * callback and the continuation that stops the clock (microtasks run first).
   */
  async latency(columns: readonly ArrayLike<number>[], rows: number, calls = 300): Promise<{ p50Ms: number; p99Ms: number; cpuP99Ms: number }> {
    const wall: number[] = [];
    const cpu: number[] = [];
    const threadCpu = new ThreadCpuClock();
    try {
      await this.timeCalls(columns, rows, calls, threadCpu, wall, cpu);
    } finally {
      threadCpu.close();
    }
    const quantile = (values: number[], q: number): number => values.sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))]!;
    return { p50Ms: quantile(wall, 0.5), p99Ms: quantile(wall, 0.99), cpuP99Ms: quantile(cpu, 0.99) };
  }

  private async timeCalls(columns: readonly ArrayLike<number>[], rows: number, calls: number, threadCpu: ThreadCpuClock, wall: number[], cpu: number[]): Promise<void> {
    for (let i = 0; i < calls + 20; i++) {
      const row = i % rows;
      const input = rowMajor(columns, row, row + 1);
      const clock = { started: process.hrtime.bigint(), cpuStartedNs: threadCpu.nowNs() };
      setImmediate(() => {
        clock.started = process.hrtime.bigint();
        clock.cpuStartedNs = threadCpu.nowNs();
      });
      await this.score(input);
      const usedNs = threadCpu.nowNs() - clock.cpuStartedNs;
      if (i >= 20) {
        wall.push(Number(process.hrtime.bigint() - clock.started) / 1e6);
        cpu.push(usedNs / 1e6);
      }
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** Rows [start, end) of columns as a row-major float32 matrix, ONNX's input layout. */
export function rowMajor(columns: readonly ArrayLike<number>[], start: number, end: number): Float32Array {
  const width = columns.length;
  const out = new Float32Array((end - start) * width);
  for (let f = 0; f < width; f++) {
    const column = columns[f]!;
    for (let row = start; row < end; row++) out[(row - start) * width + f] = column[row]!;
  }
  return out;
}

/** Largest absolute difference between two equally long probability arrays. */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (!(d <= max)) max = d;
  }
  return max;
}
