import { toOnnx, train } from '@payments-mlops/boosting';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxScorer } from './onnx-check.js';

const WIDTH = 3;
const ROWS = 400;
const columns = Array.from({ length: WIDTH }, (_, feature) => Float64Array.from({ length: ROWS }, (_, row) => (feature === 0 ? row % 100 : (row * 7 + feature) % 13)));

/** Busy for `ms` of this thread's time, as another job's synchronous step would be. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/**
 * Other work on this event loop while the latency is measured: `quiet` turns of nothing (past the
 * warm-up calls), then `chunks` turns each busy for `ms`.
 */
async function interleave(quiet: number, chunks: number, ms: number): Promise<void> {
  for (let turn = 0; turn < quiet + chunks; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
    if (turn >= quiet) busy(ms);
  }
}

describe('OnnxScorer.latency', () => {
  let scorer: OnnxScorer;
  beforeAll(async () => {
    const labels = Float64Array.from({ length: ROWS }, (_, row) => (row % 100 > 60 ? 1 : 0));
    const { model } = train({ columns, labels, featureNames: ['a', 'b', 'c'], categoricalFeatures: [] }, { objective: 'binary', numRounds: 8, numLeaves: 4, minDataInLeaf: 5, seed: 1 });
    scorer = await OnnxScorer.load(toOnnx(model, { version: 'test', digest: 'sha256:test' }), WIDTH);
  });
  afterAll(async () => {
    await scorer.release();
  });

  it("times onnxruntime's own turn: other work on the event loop during the calls stays out of the figures", async () => {
    // Ten 20 ms steps of other work, in the turns of measured calls (past the 20 warm-up calls).
    const started = performance.now();
    const [measured] = await Promise.all([scorer.latency(columns, ROWS, 300), interleave(60, 10, 20)]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
    expect(measured.cpuP99Ms).toBeLessThan(5);
    expect(measured.p99Ms).toBeLessThan(20);
    expect(measured.p50Ms).toBeLessThanOrEqual(measured.p99Ms);
  });
});
