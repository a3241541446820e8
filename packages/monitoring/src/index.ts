export { buildReferenceProfile, profileNumeric, profileCategorical, quantileOfSorted } from './reference-profile.js';
export type { ReferenceProfileInput } from './reference-profile.js';
export type { ColumnValues, ColumnKind } from './column-values.js';
