import { describe, expect, it } from 'vitest';
import { packValues, unpackValues } from './record-batches.js';
import { inlineSource, workerSource, type RecordSource } from './record-source.js';
import { PaymentSimulation } from './simulation.js';

const OPTIONS = { seed: 9, startMs: Date.UTC(2026, 0, 1), days: 30, customers: 400 };

async function drain(source: RecordSource, takes: number[]): Promise<string[]> {
  const values: string[] = [];
  for (const payments of takes) {
    const batch = await source.take(payments);
    expect(batch.kinds.filter((kind) => kind === 0)).toHaveLength(payments);
    values.push(...batch.values.map(String));
  }
  await source.close();
  return values;
}

describe('record sources', () => {
  it('hand out the same records from a worker thread as from this one, whatever the take sizes', async () => {
    const takes = [1, 7, 2500, 3, 1999, 40];
    const inline = await drain(inlineSource(new PaymentSimulation(OPTIONS)), takes);
    const worker = await drain(workerSource(OPTIONS), takes);
    expect(worker).toHaveLength(inline.length);
    expect(worker).toEqual(inline);
  });

  it('move values between threads as UTF-8 bytes, unchanged', () => {
    const values = ['{"a":1}', '', '{"name":"café ü"}', Buffer.from('bytes')];
    expect(unpackValues(packValues(values)).map(String)).toEqual(['{"a":1}', '', '{"name":"café ü"}', 'bytes']);
  });

  it('stop at the end of an event budget', async () => {
    const source = workerSource({ ...OPTIONS, events: 50 });
    const batch = await source.take(80);
    expect(batch.exhausted).toBe(true);
    expect(batch.kinds.filter((kind) => kind === 0)).toHaveLength(50);
    await source.close();
  });
});
