export {
  DAY_MS,
  categoryIndex,
  encodeValue,
  isUnknownCategory,
  encodeOnlineRows,
  encodeDatasetColumns,
  type OnlineColumns,
  type EncodedRows,
  type DatasetColumnLike,
  type EncodedColumns,
} from './encode.js';
export { inferModelInputs, inputKindOf, type FeatureLike, type InferOptions } from './infer.js';
