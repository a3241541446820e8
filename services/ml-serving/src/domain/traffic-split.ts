import type { ModelTask, ServingAlias } from '@payments-mlops/contracts';

/**
 * Where an entity falls in [0, 1): FNV-1a over `task:entity`, so the same customer always lands
 * on the same side of a task's split (a retried Temporal activity gets the same model) while the
 * four tasks split independently of each other. FNV-1a alone leaves ids that differ in their
 * last characters close together, so murmur3's finalizer spreads the bits.
 */
export function entityBucket(task: ModelTask, entityId: string): number {
  let hash = 0x811c9dc5;
  const key = `${task}:${entityId}`;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 0x1_0000_0000;
}

export interface SplitPolicy {
  /** Share of entities routed to the challenger, 0 to 1. */
  challengerWeight: number;
  /** The challenger also scores every champion request, logged only. */
  shadow: boolean;
}

export interface Route {
  /** The alias whose answer is returned. */
  answer: ServingAlias;
  /** Also score with the challenger, off the hot path, and only log it. */
  shadow: boolean;
}

/** The deterministic A/B split, falling back to the champion while no challenger is loaded. */
export function routeRequest(task: ModelTask, entityId: string, policy: SplitPolicy, hasChallenger: boolean): Route {
  if (!hasChallenger) return { answer: 'champion', shadow: false };
  if (policy.challengerWeight > 0 && entityBucket(task, entityId) < policy.challengerWeight) return { answer: 'challenger', shadow: false };
  return { answer: 'champion', shadow: policy.shadow };
}
