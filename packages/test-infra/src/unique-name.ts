import { randomBytes } from 'node:crypto';

const PREFIX = /^[a-z][a-z0-9_-]{0,29}$/;

/**
 * A name no other test, worker or engineer will pick: `<prefix><sep><worker><sep><time><sep><random>`,
 * lowercase letters and digits only besides the prefix, at most 50 characters. With the default `_`
 * it is a valid Postgres identifier, Redis key part and Kafka topic; pass `-` for S3 bucket names.
 */
export function uniqueName(prefix: string, separator: '_' | '-' = '_'): string {
  if (!PREFIX.test(prefix)) {
    throw new Error(`uniqueName: prefix must match ${PREFIX.source}, got '${prefix}'`);
  }
  const worker = process.env.VITEST_POOL_ID ?? String(process.pid);
  const time = Date.now().toString(36);
  const random = randomBytes(4).readUInt32BE(0).toString(36).padStart(7, '0');
  return [prefix, worker, time, random].join(separator);
}
