import { describe, expect } from 'vitest';
import { test } from './fixtures.js';

describe('redis fixture', () => {
  test('a hash written under the test prefix reads back with its fields and expiry', async ({ redis }) => {
    const key = `${redis.prefix}customer:c_42`;
    await redis.client.hset(key, { txn_count_24h: '7', avg_amount_cents: '1250' });
    await redis.client.expire(key, 60);

    expect(await redis.client.hgetall(key)).toEqual({ txn_count_24h: '7', avg_amount_cents: '1250' });
    expect(await redis.client.ttl(key)).toBeGreaterThan(55);
    expect(redis.prefix).toMatch(/^test_[a-z0-9_]+:$/);
  });
});
