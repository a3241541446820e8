import type { FeatureValue, FeatureValueType } from '@payments-mlops/contracts';

/** Feature types, plus Timestamp for entity-row columns (event_timestamp and pass-through times). */
export type DatasetDtype = FeatureValueType | 'Timestamp';

/**
 * One column of a training dataset. Numeric, boolean and time columns are Float64Arrays with NaN
 * for missing (booleans as 0/1, times as epoch ms), ready for the trainer's histograms without
 * boxing; strings and lists stay arrays with null for missing.
 */
export type DatasetColumn =
  | { name: string; dtype: 'Int64' | 'Float64' | 'Bool' | 'UnixTimestamp' | 'Timestamp'; values: Float64Array }
  | { name: string; dtype: 'String'; values: (string | null)[] }
  | { name: string; dtype: 'Array(String)'; values: (string[] | null)[] };

export interface HistoricalDataset {
  rowCount: number;
  /** Entity-row columns in their given order (event_timestamp among them), then the features. */
  columns: DatasetColumn[];
  /** The feature references, in column order. */
  features: string[];
  registryVersion: number;
}

export function isNumericDtype(dtype: DatasetDtype): dtype is 'Int64' | 'Float64' | 'Bool' | 'UnixTimestamp' | 'Timestamp' {
  return dtype !== 'String' && dtype !== 'Array(String)';
}

export function emptyColumn(name: string, dtype: DatasetDtype, rowCount: number): DatasetColumn {
  if (dtype === 'String') return { name, dtype, values: new Array<string | null>(rowCount).fill(null) };
  if (dtype === 'Array(String)') return { name, dtype, values: new Array<string[] | null>(rowCount).fill(null) };
  return { name, dtype, values: new Float64Array(rowCount).fill(Number.NaN) };
}

/** Stores COPY text for `row`, converted by the column's type. */
export function setFromText(column: DatasetColumn, row: number, text: string | null): void {
  if (text === null) return;
  switch (column.dtype) {
    case 'String':
      column.values[row] = text;
      return;
    case 'Array(String)':
      column.values[row] = JSON.parse(text) as string[];
      return;
    case 'Bool':
      column.values[row] = text === 't' ? 1 : 0;
      return;
    case 'Int64':
    case 'Float64':
    case 'UnixTimestamp':
    case 'Timestamp':
      column.values[row] = Number(text);
  }
}

export function setValue(column: DatasetColumn, row: number, value: FeatureValue | undefined): void {
  if (value === null || value === undefined) return;
  switch (column.dtype) {
    case 'String':
      column.values[row] = typeof value === 'string' ? value : JSON.stringify(value);
      return;
    case 'Array(String)':
      column.values[row] = value as string[];
      return;
    case 'Bool':
      column.values[row] = value === true ? 1 : 0;
      return;
    case 'Int64':
    case 'Float64':
    case 'UnixTimestamp':
    case 'Timestamp':
      column.values[row] = value as number;
  }
}

/** The value at `row` as the online API returns it: null when missing, booleans as booleans. */
export function valueAt(column: DatasetColumn, row: number): FeatureValue {
  switch (column.dtype) {
    case 'String':
    case 'Array(String)':
      return column.values[row] ?? null;
    case 'Bool': {
      const value = column.values[row]!;
      return Number.isNaN(value) ? null : value === 1;
    }
    case 'Int64':
    case 'Float64':
    case 'UnixTimestamp':
    case 'Timestamp': {
      const value = column.values[row]!;
      return Number.isNaN(value) ? null : value;
    }
  }
}

/** A setter specialised to the column's type, for loops that fill millions of cells. */
export function columnSetter(column: DatasetColumn): (row: number, value: FeatureValue | undefined) => void {
  switch (column.dtype) {
    case 'String': {
      const values = column.values;
      return (row, value) => {
        if (value !== null && value !== undefined) values[row] = typeof value === 'string' ? value : JSON.stringify(value);
      };
    }
    case 'Array(String)': {
      const values = column.values;
      return (row, value) => {
        if (Array.isArray(value)) values[row] = value;
      };
    }
    case 'Bool': {
      const values = column.values;
      return (row, value) => {
        if (typeof value === 'boolean') values[row] = value ? 1 : 0;
      };
    }
    case 'Int64':
    case 'Float64':
    case 'UnixTimestamp':
    case 'Timestamp': {
      const values = column.values;
      return (row, value) => {
        if (typeof value === 'number') values[row] = value;
      };
    }
  }
}
