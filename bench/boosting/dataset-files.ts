import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The bench's dataset format, shared with the Python side: a directory with meta.json and
 * little-endian float64 files, x_* column-major (feature after feature), so both trainers read
 * the very same numbers.
 */
export interface DatasetMeta {
  readonly name: string;
  readonly source: string;
  readonly featureNames: readonly string[];
  readonly categoricalFeatures: readonly number[];
  readonly trainRows: number;
  readonly testRows: number;
  readonly positiveRate: number;
}

export interface LoadedSplit {
  readonly columns: Float64Array[];
  readonly labels: Float64Array;
}

function readFloat64(path: string): Float64Array {
  const bytes = readFileSync(path);
  // A copy only when the buffer is not 8-byte aligned (small files come from Node's pool).
  return bytes.byteOffset % 8 === 0
    ? new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8)
    : new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

export function readMeta(dir: string): DatasetMeta {
  return JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as DatasetMeta;
}

export function readSplit(dir: string, meta: DatasetMeta, split: 'train' | 'test'): LoadedSplit {
  const rows = split === 'train' ? meta.trainRows : meta.testRows;
  const x = readFloat64(join(dir, `x_${split}.f64`));
  const columns = meta.featureNames.map((_, f) => x.subarray(f * rows, (f + 1) * rows));
  return { columns, labels: readFloat64(join(dir, `y_${split}.f64`)) };
}

export function readPredictions(path: string): Float64Array {
  return readFloat64(path);
}

export function writeFloat64(path: string, values: Float64Array): void {
  writeFileSync(path, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

/** Writes a dataset; meta.json last, so its presence marks a complete directory. */
export function writeDataset(dir: string, meta: DatasetMeta, train: LoadedSplit, test: LoadedSplit): void {
  mkdirSync(dir, { recursive: true });
  for (const [split, data] of [['train', train], ['test', test]] as const) {
    const rows = data.labels.length;
    const x = new Float64Array(rows * data.columns.length);
    data.columns.forEach((column, f) => x.set(column, f * rows));
    writeFloat64(join(dir, `x_${split}.f64`), x);
    writeFloat64(join(dir, `y_${split}.f64`), data.labels);
  }
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta, null, 1));
}
