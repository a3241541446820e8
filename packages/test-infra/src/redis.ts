import { Redis } from 'ioredis';

export function createRedisClient(url: string): Redis {
  // Fail a command fast instead of queueing it forever when the server is gone.
  return new Redis(url, { maxRetriesPerRequest: 2, connectTimeout: 5000 });
}

/** Closes a client whether or not the code under test already did. */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}

/** Deletes every key that starts with `prefix`; returns how many were deleted. */
export async function deleteKeysWithPrefix(client: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  // SCAN's pattern language treats these as wildcards; escape them so the prefix matches literally.
  const match = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  for await (const keys of client.scanStream({ match, count: 500 })) {
    const batch = keys as string[];
    if (batch.length > 0) deleted += await client.unlink(...batch);
  }
  return deleted;
}
