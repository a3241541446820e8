import {
  ServiceError,
  type FeatureStatus,
  type FeatureValue,
} from '@payments-mlops/contracts';
import { evaluateAggregates } from '../aggregation/online-evaluate.js';
import type { FeatureCatalog, OnDemandViewInfo, ResolvedFeature, StoredViewInfo } from '../definitions/catalog.js';
import type { OnlineStoreReader } from './online-reader.js';
import type { StoredState } from './online-store.js';
import { decodeFeatureRow } from './value-codec.js';

/** Where one output column's values come from. */
type ColumnSource =
  | { kind: 'stored'; view: number; index: number; position: number }
  | { kind: 'request'; field: string }
  | { kind: 'on_demand'; view: number; index: number; name: string };

interface StoredRead {
  view: StoredViewInfo;
  joinKey: string;
  /** Ascending feature indices of the view to decode (requested ones and on-demand inputs). */
  wanted: number[];
  /** Feature name → position in `wanted`. */
  positions: Map<string, number>;
  /** The decoded row of the entity being read, reused by every read (decoding is synchronous). */
  scratch: FeatureValue[];
  /** A stream view's evaluated aggregates, in plan order, reused likewise. */
  aggregates: FeatureValue[];
}

/** Where an on-demand transformation's feature input is read: the stored views holding it, in plan order. */
interface FeatureInput {
  name: string;
  /** Also a request input: the request's value stays unless a stored view has one. */
  alsoRequest: boolean;
  sources: { slot: number; position: number }[];
}

/** An on-demand view's inputs, bound to the plan once. */
interface OnDemandRead {
  view: OnDemandViewInfo;
  requestInputs: readonly string[];
  featureInputs: FeatureInput[];
  /** The inputs record handed to the transformation, refilled for every row. */
  inputs: Record<string, FeatureValue | undefined>;
}

/**
 * A request's features compiled once against a catalog version: which views to read for which
 * entity keys, which request fields to pass through, which transformations to run. Cached per
 * feature list, so a hot request only reads and decodes.
 */
export interface OnlineReadPlan {
  features: ResolvedFeature[];
  joinKeys: string[];
  requestFields: string[];
  stored: StoredRead[];
  onDemand: OnDemandViewInfo[];
  columns: ColumnSource[];
  /** Every join key and request field of the catalog: the only entity columns a request may send. */
  knownColumns: ReadonlySet<string>;
  /** The on-demand views with their inputs bound to the stored reads, slot for slot with `onDemand`. */
  onDemandReads: OnDemandRead[];
  /** Per stored read: its status, event time and value buffer for the row being read. */
  storedStatus: FeatureStatus[];
  storedTimes: Float64Array;
  onDemandValues: Record<string, FeatureValue>[];
}

export interface OnlineFeatureRows {
  /** Entity keys and request fields, column-oriented, all of one length. */
  entities: Readonly<Record<string, readonly unknown[]>>;
}

/**
 * Column-oriented, as Feast answers: per feature, one value, status and event time per row. The
 * features of one stored view share one event-time array and, unless a value is null, one status
 * array: read them, never write them.
 */
export interface OnlineFeatureColumns {
  features: ResolvedFeature[];
  values: FeatureValue[][];
  statuses: FeatureStatus[][];
  /** Epoch ms; 0 where there is no value. */
  eventTimestamps: number[][];
}

export function planOnlineRead(catalog: FeatureCatalog, features: ResolvedFeature[]): OnlineReadPlan {
  const stored: StoredRead[] = [];
  const onDemand: OnDemandViewInfo[] = [];
  const requestFields = new Set<string>();
  const storedSlot = (view: StoredViewInfo): StoredRead => {
    let read = stored.find((candidate) => candidate.view === view);
    if (read === undefined) {
      read = { view, joinKey: view.entity.join_key, wanted: [], positions: new Map(), scratch: [], aggregates: [] };
      stored.push(read);
    }
    return read;
  };
  const want = (read: StoredRead, index: number): void => {
    if (!read.wanted.includes(index)) read.wanted.push(index);
  };

  // On-demand inputs: request fields and features of their source views, requested or not.
  const onDemandSlot = (view: OnDemandViewInfo): number => {
    let slot = onDemand.indexOf(view);
    if (slot !== -1) return slot;
    slot = onDemand.push(view) - 1;
    for (const field of view.transformation.requestInputs) requestFields.add(field);
    for (const name of view.definition.sources) {
      const source = catalog.view(name);
      if (source.kind !== 'batch' && source.kind !== 'stream') continue;
      const read = storedSlot(source);
      source.features.forEach((field, index) => {
        if (view.transformation.featureInputs.includes(field.name)) want(read, index);
      });
    }
    return slot;
  };

  const columns = features.map((feature): ColumnSource => {
    const { view } = feature;
    switch (view.kind) {
      case 'batch':
      case 'stream': {
        const read = storedSlot(view);
        want(read, feature.index);
        return { kind: 'stored', view: stored.indexOf(read), index: feature.index, position: -1 };
      }
      case 'request':
        requestFields.add(feature.field.name);
        return { kind: 'request', field: feature.field.name };
      case 'on_demand':
        return { kind: 'on_demand', view: onDemandSlot(view), index: feature.index, name: feature.field.name };
    }
  });
  for (const read of stored) {
    read.wanted.sort((a, b) => a - b);
    read.wanted.forEach((index, position) => read.positions.set(read.view.features[index]!.name, position));
    read.scratch = new Array<FeatureValue>(read.wanted.length).fill(null);
    read.aggregates = new Array<FeatureValue>(read.view.features.length).fill(null);
  }
  for (const column of columns) {
    if (column.kind === 'stored') column.position = stored[column.view]!.wanted.indexOf(column.index);
  }
  const joinKeys = [...new Set(stored.map((read) => read.joinKey))];
  const knownColumns = new Set<string>(catalog.entitiesByJoinKey.keys());
  for (const view of catalog.views.values()) {
    if (view.kind === 'request') view.features.forEach((field) => knownColumns.add(field.name));
  }
  const onDemandReads = onDemand.map((view): OnDemandRead => ({
    view,
    requestInputs: view.transformation.requestInputs,
    featureInputs: view.transformation.featureInputs.map((name) => ({
      name,
      alsoRequest: view.transformation.requestInputs.includes(name),
      sources: stored.flatMap((read, slot) => {
        const position = read.positions.get(name);
        return position === undefined ? [] : [{ slot, position }];
      }),
    })),
    inputs: {},
  }));
  return {
    features,
    joinKeys,
    requestFields: [...requestFields],
    stored,
    onDemand,
    columns,
    knownColumns,
    onDemandReads,
    storedStatus: new Array<FeatureStatus>(stored.length).fill('NOT_FOUND'),
    storedTimes: new Float64Array(stored.length),
    onDemandValues: new Array<Record<string, FeatureValue>>(onDemand.length).fill({}),
  };
}

/**
 * Reads a plan's features for every row in one round trip: the stored views of each row's
 * entities, TTL enforced (OUTSIDE_MAX_AGE), window aggregates evaluated at `nowMs`, request
 * fields passed through and on-demand features computed by their transformation.
 */
export async function readOnlineFeatures(
  store: OnlineStoreReader,
  plan: OnlineReadPlan,
  { entities }: OnlineFeatureRows,
  nowMs: number,
): Promise<OnlineFeatureColumns> {
  const rowCount = checkEntities(plan, entities);
  const { stored, columns, onDemandReads, storedStatus, storedTimes, onDemandValues } = plan;
  const storedCount = stored.length;
  const requests: { view: StoredViewInfo; key: string }[] = [];
  const requestIndex = new Int32Array(storedCount * rowCount).fill(-1);
  for (let row = 0; row < rowCount; row++) {
    for (let slot = 0; slot < storedCount; slot++) {
      const read = stored[slot]!;
      const key = entities[read.joinKey]![row];
      if (typeof key === 'string') requestIndex[row * storedCount + slot] = requests.push({ view: read.view, key }) - 1;
    }
  }
  const states = await store.readStates(requests);

  // From here on everything is synchronous: the plan's buffers are this read's alone until it returns.
  const columnCount = columns.length;
  const values = new Array<FeatureValue[]>(columnCount);
  const statuses = new Array<FeatureStatus[]>(columnCount);
  const times = new Array<number[]>(columnCount);
  // The columns of one stored view share its statuses and event times: one array each per view
  // instead of one per feature (a 100-entity read of 50 features made 150 arrays of 100). A
  // column with a null value, NULL_VALUE where its view says PRESENT, gets statuses of its own.
  const viewStatuses = new Array<FeatureStatus[]>(storedCount);
  const viewTimes = new Array<number[]>(storedCount);
  for (let slot = 0; slot < storedCount; slot++) {
    viewStatuses[slot] = new Array<FeatureStatus>(rowCount);
    viewTimes[slot] = new Array<number>(rowCount);
  }
  for (let column = 0; column < columnCount; column++) {
    const source = columns[column]!;
    if (rowCount !== 1) values[column] = new Array<FeatureValue>(rowCount);
    if (source.kind === 'stored') {
      statuses[column] = viewStatuses[source.view]!;
      times[column] = viewTimes[source.view]!;
    } else {
      statuses[column] = new Array<FeatureStatus>(rowCount);
      times[column] = new Array<number>(rowCount);
    }
  }

  for (let row = 0; row < rowCount; row++) {
    for (let slot = 0; slot < storedCount; slot++) {
      const index = requestIndex[row * storedCount + slot]!;
      const state = index === -1 ? null : (states[index] ?? null);
      const status = decodeState(stored[slot]!, state, nowMs, storedTimes, slot);
      storedStatus[slot] = status;
      viewStatuses[slot]![row] = status;
      viewTimes[slot]![row] = status === 'NOT_FOUND' ? 0 : storedTimes[slot]!;
    }
    for (let slot = 0; slot < onDemandReads.length; slot++) {
      const read = onDemandReads[slot]!;
      const { inputs } = read;
      for (const field of read.requestInputs) inputs[field] = requestValue(entities, field, row);
      for (const input of read.featureInputs) {
        // The last stored view holding the input wins, as long as it has a value for the entity.
        let value: FeatureValue | undefined;
        for (const { slot: storedSlot, position } of input.sources) {
          const status = storedStatus[storedSlot];
          if (status === 'PRESENT' || status === 'NULL_VALUE') value = stored[storedSlot]!.scratch[position];
        }
        if (value !== undefined || !input.alsoRequest) inputs[input.name] = value;
      }
      onDemandValues[slot] = read.view.transformation.compute(inputs, nowMs);
    }

    for (let column = 0; column < columnCount; column++) {
      const source = columns[column]!;
      let value: FeatureValue | undefined;
      let status: FeatureStatus;
      let eventMs = 0;
      switch (source.kind) {
        case 'stored': {
          const viewStatus = storedStatus[source.view]!;
          value = viewStatus === 'PRESENT' ? stored[source.view]!.scratch[source.position] : null;
          const own = statuses[column]!;
          const shared = viewStatuses[source.view]!;
          if (viewStatus === 'PRESENT' && value === null) {
            // The rows before this one agree with the view's statuses; from here on the column keeps its own.
            if (own === shared) statuses[column] = shared.slice(0, row);
            statuses[column]![row] = 'NULL_VALUE';
          } else if (own !== shared) own[row] = viewStatus;
          if (rowCount === 1) values[column] = [value ?? null];
          else values[column]![row] = value ?? null;
          continue;
        }
        case 'request':
          value = requestValue(entities, source.field, row);
          status = value === undefined ? 'NOT_FOUND' : value === null ? 'NULL_VALUE' : 'PRESENT';
          break;
        case 'on_demand': {
          value = onDemandValues[source.view]![source.name];
          status = value === null || value === undefined ? 'NULL_VALUE' : 'PRESENT';
          eventMs = nowMs;
          break;
        }
      }
      if (rowCount === 1) values[column] = [value ?? null];
      else values[column]![row] = value ?? null;
      statuses[column]![row] = status;
      times[column]![row] = eventMs;
    }
  }
  return { features: plan.features, values, statuses, eventTimestamps: times };
}

/** Decodes one view's state into `out`, its event time into `times[slot]`; returns its status. */
function decodeState(read: StoredRead, state: StoredState, nowMs: number, times: Float64Array, slot: number): FeatureStatus {
  times[slot] = 0;
  if (state === null) return 'NOT_FOUND';
  const { view } = read;
  if (view.kind === 'batch') {
    if (!Buffer.isBuffer(state)) return 'NOT_FOUND';
    read.scratch.fill(null);
    const row = decodeFeatureRow(state, view.features.length, read.wanted, read.scratch);
    if (row === null) return 'NOT_FOUND';
    times[slot] = row.eventMs;
    // TTL is enforced on read: a value older than the view's TTL is not served.
    return nowMs - row.eventMs > view.ttlMs ? 'OUTSIDE_MAX_AGE' : 'PRESENT';
  }
  if (Buffer.isBuffer(state)) return 'NOT_FOUND';
  const evaluated = evaluateAggregates(view.plan, state, nowMs, read.aggregates);
  if (!evaluated.known) return 'NOT_FOUND';
  const { wanted, scratch, aggregates } = read;
  for (let position = 0; position < wanted.length; position++) scratch[position] = aggregates[wanted[position]!] ?? null;
  times[slot] = evaluated.eventMs ?? 0;
  return 'PRESENT';
}

function requestValue(entities: OnlineFeatureRows['entities'], field: string, row: number): FeatureValue | undefined {
  const column = entities[field];
  if (column === undefined) return undefined;
  return column[row] as FeatureValue | undefined;
}

/** The contract's EntityId (1 to 64 of these characters), checked without a zod parse per row. */
const ENTITY_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Entity keys must be ids; a number where a customer id belongs is the caller's mistake, named. */
function checkEntities(plan: OnlineReadPlan, entities: OnlineFeatureRows['entities']): number {
  let rowCount = -1;
  for (const name in entities) {
    if (!Object.hasOwn(entities, name)) continue;
    const column = entities[name]!;
    if (!plan.knownColumns.has(name)) {
      throw new ServiceError('INVALID_ARGUMENT', `'${name}' is neither an entity key nor a request field`, {
        fields: [{ field: `entities.${name}`, message: 'is neither an entity key nor a request field' }],
      });
    }
    if (rowCount !== -1 && column.length !== rowCount) {
      throw new ServiceError('INVALID_ARGUMENT', `Entity column '${name}' has ${column.length} values; the others have ${rowCount}`, {
        fields: [{ field: `entities.${name}`, message: `must have ${rowCount} values like the other columns` }],
      });
    }
    rowCount = column.length;
  }
  for (const joinKey of plan.joinKeys) {
    const column = entities[joinKey];
    if (column === undefined) {
      throw new ServiceError('INVALID_ARGUMENT', `Entity key '${joinKey}' is required by the requested features`, {
        fields: [{ field: `entities.${joinKey}`, message: 'is required by the requested features' }],
      });
    }
    for (let row = 0; row < column.length; row++) {
      const value = column[row];
      if (value !== null && !(typeof value === 'string' && ENTITY_ID.test(value))) {
        throw new ServiceError('INVALID_ARGUMENT', `Entity key '${joinKey}' must be an id string; row ${row} is ${JSON.stringify(value)}`, {
          fields: [{ field: `entities.${joinKey}.${row}`, message: 'must be an id string (letters, digits, _ . : -) or null' }],
        });
      }
    }
  }
  return Math.max(rowCount, 0);
}
