import { EntityId, ServiceError, type FeatureValue, type PushRequest } from '@payments-mlops/contracts';
import { FeatureValueError, checkFeatureValue, type BatchRow, type BatchViewInfo } from '@payments-mlops/feature-store';

/** The rows of a push request for one view, checked against the view's schema. */
export interface PushedRows {
  rows: BatchRow[];
  /** Event times as ISO strings, for the offline insert. */
  timestamps: string[];
}

function invalid(field: string, message: string): ServiceError {
  return new ServiceError('INVALID_ARGUMENT', `${field} ${message}`, { fields: [{ field, message }] });
}

/**
 * Reads Feast's column-oriented `df`: the entity key, the source's timestamp field (ISO 8601 or
 * epoch milliseconds) and any of the view's features; a missing feature is pushed as null.
 * Every problem is a 400 naming the column (and row).
 */
export function pushedRows(view: BatchViewInfo, df: PushRequest['df'], createdMs: number): PushedRows {
  const keyName = view.entity.join_key;
  const timeName = view.source.timestamp_field;
  const keys = df[keyName];
  const times = df[timeName];
  if (keys === undefined) throw invalid(`df.${keyName}`, `is required: the ${view.entity.name} key of each row`);
  if (times === undefined) throw invalid(`df.${timeName}`, 'is required: the event time of each row');
  const featureIndex = new Map(view.features.map((field, index) => [field.name, index]));
  for (const [column, values] of Object.entries(df)) {
    if (column !== keyName && column !== timeName && !featureIndex.has(column)) {
      throw invalid(`df.${column}`, `is not a feature of view '${view.name}'`);
    }
    if (values.length !== keys.length) throw invalid(`df.${column}`, `has ${values.length} values; df.${keyName} has ${keys.length}`);
  }

  const rows: BatchRow[] = [];
  const timestamps: string[] = [];
  keys.forEach((key, row) => {
    if (typeof key !== 'string' || !EntityId.safeParse(key).success) throw invalid(`df.${keyName}.${row}`, 'must be an id string');
    const time = times[row];
    const eventMs = typeof time === 'number' ? time : typeof time === 'string' ? Date.parse(time) : Number.NaN;
    if (!Number.isFinite(eventMs)) throw invalid(`df.${timeName}.${row}`, 'must be an ISO 8601 time or epoch milliseconds');
    const values: FeatureValue[] = view.features.map((field) => {
      try {
        return checkFeatureValue(field, df[field.name]?.[row] ?? null);
      } catch (error) {
        throw error instanceof FeatureValueError ? invalid(`df.${field.name}.${row}`, error.message.slice(field.name.length + 2)) : error;
      }
    });
    rows.push({ key, eventMs, createdMs, values });
    timestamps.push(new Date(eventMs).toISOString());
  });
  return { rows, timestamps };
}
