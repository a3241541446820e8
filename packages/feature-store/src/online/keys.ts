import type { AggregationPlan } from '../aggregation/plan.js';
import type { BatchViewInfo } from '../definitions/catalog.js';

/**
 * Every key of an entity carries the hash tag `{entity:key}`, so all of an entity's views land in
 * one Redis Cluster slot: an entity's reads are one pipeline to one node and its updates can be
 * one atomic script. The view's layout fingerprint is part of the key, so a changed schema or
 * aggregation plan starts from empty keys instead of misreading old ones.
 */
export function entityTag(entity: string, key: string): string {
  return `{${entity}:${key}}`;
}

export function batchViewKey(prefix: string, view: BatchViewInfo, key: string): string {
  return `${prefix}${entityTag(view.entity.name, key)}:${view.name}:${view.fingerprint}`;
}

export function aggregateStateKey(prefix: string, plan: AggregationPlan, key: string): string {
  return `${prefix}${entityTag(plan.entity, key)}:${plan.view}:${plan.fingerprint}`;
}

/** The ids of the events already counted into an entity's state, one set per UTC day of event time. */
export function dedupeKey(prefix: string, plan: AggregationPlan, key: string, day: number): string {
  return `${aggregateStateKey(prefix, plan, key)}:seen:${day}`;
}
