import type { FeatureValue, FeatureValueType, StreamFieldType } from '@payments-mlops/contracts';

/** A COPY text value as the online store keeps it, by its declared type. */
export function rowValue(dtype: FeatureValueType | StreamFieldType, text: string | null): FeatureValue {
  if (text === null) return null;
  switch (dtype) {
    case 'Int64':
    case 'Float64':
    case 'UnixTimestamp':
      return Number(text);
    case 'Bool':
      return text === 't';
    case 'Array(String)':
      return JSON.parse(text) as string[];
    case 'String':
      return text;
  }
}
