import type { FeatureValue, FeatureValueType, ModelSignature } from '@payments-mlops/contracts';
import { readOnlineFeatures, planOnlineRead, type BatchViewInfo, type FeatureCatalog, type RedisOnlineStore, type StreamEvent } from '@payments-mlops/feature-store';
import { encodeOnlineRows } from '@payments-mlops/model-inputs';

const DAY = 86_400_000;
/** Entity ids as the load generator writes them: a prefix and a seven-digit number below the id count. */
export const ID_PREFIX: Readonly<Record<string, string>> = { customer_id: 'cus_', merchant_id: 'mer_', card_id: 'card_', payment_id: 'pay_' };
export const entityId = (joinKey: string, n: number) => `${ID_PREFIX[joinKey] ?? 'id_'}${String(n).padStart(7, '0')}`;

function valueOf(dtype: FeatureValueType, n: number, now: number): FeatureValue {
  switch (dtype) {
    case 'Int64':
      return (n * 7919) % 1000;
    case 'Float64':
      return ((n * 104729) % 1000) / 1000;
    case 'Bool':
      return n % 3 === 0;
    case 'String':
      return `v${n % 5}`;
    case 'UnixTimestamp':
      return now - ((n % 300) + 1) * DAY;
    case 'Array(String)':
      return [`v${n % 5}`];
  }
}

/**
 * Fills the online store for `ids` entities of every kind: every batch view one row per entity,
 * and the stream views (window aggregates) from four payments per customer over the last week,
 * applied exactly as stream ingestion applies them.
 */
export async function writeOnlineFeatures(store: RedisOnlineStore, catalog: FeatureCatalog, ids: number): Promise<void> {
  const now = Date.now();
  for (const view of catalog.storedViews()) {
    if (view.kind !== 'batch') continue;
    const batch: BatchViewInfo = view;
    for (let start = 0; start < ids; start += 1000) {
      const rows = [];
      for (let n = start; n < Math.min(ids, start + 1000); n++) {
        rows.push({ key: entityId(batch.entity.join_key, n), eventMs: now - 3_600_000, createdMs: now, values: batch.features.map((field) => valueOf(field.dtype, n, now)) });
      }
      await store.writeBatchRows(batch, rows, now);
    }
  }
  const plans = catalog.storedViews().flatMap((view) => (view.kind === 'stream' ? [view.plan] : []));
  for (let start = 0; start < ids; start += 500) {
    const events: StreamEvent[] = [];
    for (let n = start; n < Math.min(ids, start + 500); n++) {
      for (let k = 0; k < 4; k++) {
        const failed = (n + k) % 4 === 0;
        events.push({
          dedupeId: `bench_${n}_${k}`,
          eventMs: now - ((n + k * 37) % 144) * 3_600_000 - 60_000,
          record: {
            payment_id: `bench_${n}_${k}`, customer_id: entityId('customer_id', n), merchant_id: entityId('merchant_id', (n * 31 + k) % ids), card_id: entityId('card_id', n),
            device_id: `dev_${n % 97}`, amount_cents: 500 + ((n * 13 + k * 101) % 20_000), currency: 'USD', payment_method_type: 'card', payment_type: 'one_off',
            card_brand: 'visa', ip_country: 'US', card_country: 'US', channel: 'web', is_guest_checkout: false, status: failed ? 'failed' : 'succeeded',
            decline_code: failed ? 'insufficient_funds' : null, decline_type: failed ? 'soft' : null, attempt_number: 1,
          },
        });
      }
    }
    await store.applyEvents(plans, events, now);
  }
}

/** How the Python anchor rebuilds the model's input vector: stored parts per entity, request fields by position. */
export interface AnchorLayout {
  width: number;
  input_name: string;
  output_name: string;
  key_prefix: string;
  entities: { join_key: string; positions: number[] }[];
  numeric: Record<string, number>;
  boolean: Record<string, number>;
  categorical: Record<string, { position: number; categories: string[] }>;
}

/**
 * The anchor's features: for each entity, the model inputs that come from its stored views, encoded
 * by the same rule (read back through readOnlineFeatures), as one float32 blob per entity key. The
 * anchor then does one MGET per request, as a Feast-style lookup would, but skips the on-demand
 * transformations, TTL checks and window evaluation that ml-serving does per request.
 */
export async function writeAnchorVectors(store: RedisOnlineStore, catalog: FeatureCatalog, signature: ModelSignature, ids: number, keyPrefix: string): Promise<AnchorLayout> {
  const features = catalog.resolveService(signature.feature_service.name);
  const viewOf = new Map(features.map((feature) => [feature.field.name, feature.view]));
  const layout: AnchorLayout = { width: signature.inputs.length, input_name: signature.onnx.input_name, output_name: signature.onnx.probabilities_output, key_prefix: keyPrefix, entities: [], numeric: {}, boolean: {}, categorical: {} };
  const byEntity = new Map<string, number[]>();
  signature.inputs.forEach((input, position) => {
    const view = viewOf.get(input.name);
    if (view === undefined) return;
    if (view.kind === 'batch' || view.kind === 'stream') {
      const positions = byEntity.get(view.entity.join_key) ?? [];
      positions.push(position);
      byEntity.set(view.entity.join_key, positions);
    } else if (view.kind === 'request') {
      if (input.kind === 'categorical') layout.categorical[input.name] = { position, categories: input.categories ?? [] };
      else if (input.kind === 'boolean') layout.boolean[input.name] = position;
      else layout.numeric[input.name] = position;
    }
  });
  layout.entities = [...byEntity].map(([joinKey, positions]) => ({ join_key: joinKey, positions }));

  const plan = planOnlineRead(catalog, features);
  const now = Date.now();
  for (let start = 0; start < ids; start += 500) {
    const count = Math.min(ids, start + 500) - start;
    const entities: Record<string, unknown[]> = {};
    for (const joinKey of plan.joinKeys) entities[joinKey] = Array.from({ length: count }, (_, i) => entityId(joinKey, start + i));
    const columns = await readOnlineFeatures(store, plan, { entities }, now);
    const encoded = encodeOnlineRows(signature.inputs, columns, now);
    const pipeline = store.redis.pipeline();
    for (let i = 0; i < count; i++) {
      for (const { join_key: joinKey, positions } of layout.entities) {
        const blob = Float32Array.from(positions, (position) => encoded.values[i * layout.width + position]!);
        pipeline.set(`${keyPrefix}${joinKey}:${entityId(joinKey, start + i)}`, Buffer.from(blob.buffer));
      }
    }
    await pipeline.exec();
  }
  return layout;
}
