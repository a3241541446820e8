import { ONNX_INPUT, ONNX_PROBABILITIES, toOnnx, train, type BoostedModel } from '@payments-mlops/boosting';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RowBatcher } from './row-batcher.js';

const WIDTH = 3;

/** A small binary model whose score depends on the first input, exported as the trainer exports it. */
function smallModel(): BoostedModel {
  const rows = 400;
  const columns = Array.from({ length: WIDTH }, (_, feature) => Float64Array.from({ length: rows }, (_, row) => (feature === 0 ? row % 100 : (row * 7 + feature) % 13)));
  const labels = Float64Array.from({ length: rows }, (_, row) => (row % 100 > 60 ? 1 : 0));
  return train({ columns, labels, featureNames: ['a', 'b', 'c'], categoricalFeatures: [] }, { objective: 'binary', numRounds: 8, numLeaves: 4, minDataInLeaf: 5, seed: 1 }).model;
}

describe('RowBatcher', () => {
  let session: ort.InferenceSession;
  beforeAll(async () => {
    session = await ort.InferenceSession.create(toOnnx(smallModel(), { version: 'test', digest: 'sha256:test' }), { intraOpNumThreads: 1 });
  });
  afterAll(async () => {
    await session.release();
  });

  const rowOf = (a: number) => Float32Array.of(a, 1, 2);
  async function alone(row: Float32Array): Promise<Float32Array> {
    const results = await session.run({ [ONNX_INPUT]: new ort.Tensor('float32', row, [1, WIDTH]) }, [ONNX_PROBABILITIES]);
    return results[ONNX_PROBABILITIES]!.data as Float32Array;
  }

  it('scores the rows of one turn in one run, each caller getting its own row', async () => {
    const batches: number[] = [];
    const batcher = new RowBatcher(session, { inputName: ONNX_INPUT, outputName: ONNX_PROBABILITIES, width: WIDTH, classes: 2, observeBatch: (rows) => batches.push(rows) });
    const rows = [5, 95, 40, 70, 99].map(rowOf);
    const batched = await Promise.all(rows.map((row) => batcher.predict(row)));
    expect(batches).toEqual([5]);
    for (const [i, row] of rows.entries()) expect(Array.from(batched[i]!)).toEqual(Array.from(await alone(row)));
    // The rows differ, so a mix-up between callers would show.
    expect(batched[0]![1]).toBeLessThan(batched[1]![1]!);
  });

  it('runs separately what is submitted in separate turns', async () => {
    const batches: number[] = [];
    const batcher = new RowBatcher(session, { inputName: ONNX_INPUT, outputName: ONNX_PROBABILITIES, width: WIDTH, classes: 2, observeBatch: (rows) => batches.push(rows) });
    const first = await batcher.predict(rowOf(1));
    const second = await batcher.predict(rowOf(90));
    expect(batches).toEqual([1, 1]);
    // A row alone is run as it is, without a copy: the same probabilities as a direct run.
    expect(Array.from(first)).toEqual(Array.from(await alone(rowOf(1))));
    expect(Array.from(second)).toEqual(Array.from(await alone(rowOf(90))));
  });

  it('splits a turn larger than maxBatch into runs of at most maxBatch rows', async () => {
    const batches: number[] = [];
    const batcher = new RowBatcher(session, { inputName: ONNX_INPUT, outputName: ONNX_PROBABILITIES, width: WIDTH, classes: 2, maxBatch: 4, observeBatch: (rows) => batches.push(rows) });
    const rows = Array.from({ length: 10 }, (_, i) => rowOf(i * 10));
    const batched = await Promise.all(rows.map((row) => batcher.predict(row)));
    expect(batches).toEqual([4, 4, 2]);
    expect(Array.from(batched[9]!)).toEqual(Array.from(await alone(rows[9]!)));
  });

  it('rejects a row of the wrong width without affecting the others', async () => {
    const batcher = new RowBatcher(session, { inputName: ONNX_INPUT, outputName: ONNX_PROBABILITIES, width: WIDTH, classes: 2 });
    const [wrong, right] = await Promise.allSettled([batcher.predict(Float32Array.of(1, 2)), batcher.predict(rowOf(50))]);
    expect(wrong.status === 'rejected' && String(wrong.reason)).toMatch(/3 inputs, not 2/);
    expect(right.status).toBe('fulfilled');
  });

  it('rejects every row of a run the session fails', async () => {
    const batcher = new RowBatcher(session, { inputName: 'no_such_input', outputName: ONNX_PROBABILITIES, width: WIDTH, classes: 2 });
    const results = await Promise.allSettled([batcher.predict(rowOf(1)), batcher.predict(rowOf(2))]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });
});
