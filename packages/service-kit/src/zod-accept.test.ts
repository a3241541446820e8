import { INFERENCE_EXAMPLES, INFERENCE_ROUTES, registryRouteDefinitions, RequestIdHeaders, type RouteDefinition } from '@payments-mlops/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFER, compileAccepter, type Accepter } from './zod-accept.js';

function accepterOf(schema: z.ZodType): Accepter {
  const accept = compileAccepter(schema);
  if (accept === undefined) throw new Error('expected an accepter');
  return accept;
}

/** The accepter agrees with zod: what it accepts, zod parses to the same value, keys in the same order. */
function expectAgreement(schema: z.ZodType, accept: Accepter, input: unknown): boolean {
  const accepted = accept(input);
  if (accepted === DEFER) return false;
  const parsed = schema.safeParse(input);
  expect(parsed.success, `zod rejects what the accepter took: ${JSON.stringify(input)}`).toBe(true);
  expect(accepted).toStrictEqual(parsed.data);
  expect(JSON.stringify(accepted)).toBe(JSON.stringify(parsed.data));
  return true;
}

describe('compileAccepter', () => {
  it('returns what zod returns for an object: unknown keys stripped, absent optional keys left out', () => {
    const schema = z.object({ id: z.string().min(1), note: z.string().nullish(), count: z.number().int() });
    const accept = accepterOf(schema);
    expect(accept({ count: 2, id: 'a', extra: true })).toStrictEqual({ id: 'a', count: 2 });
    expect(accept({ id: 'a', note: null, count: 0 })).toStrictEqual({ id: 'a', note: null, count: 0 });
    expect(Object.keys(accept({ count: 1, note: 'n', id: 'a' }) as object)).toEqual(['id', 'note', 'count']);
  });

  it('defers everything zod rejects, so that zod names the field', () => {
    const accept = accepterOf(z.object({ id: z.string().min(1).max(3), amount: z.number().int().positive(), kind: z.enum(['a', 'b']) }));
    const valid = { id: 'ab', amount: 5, kind: 'a' };
    expect(accept(valid)).toStrictEqual(valid);
    for (const invalid of [
      { ...valid, id: '' },
      { ...valid, id: 'abcd' },
      { ...valid, amount: 0 },
      { ...valid, amount: 1.5 },
      { ...valid, amount: Number.POSITIVE_INFINITY },
      { ...valid, amount: '5' },
      { ...valid, kind: 'c' },
      { id: 'ab', kind: 'a' },
      null,
      [valid],
      'text',
    ]) {
      expect(accept(invalid), JSON.stringify(invalid)).toBe(DEFER);
    }
  });

  it('takes the first union option that accepts, as zod does', () => {
    const accept = accepterOf(z.union([z.enum(['card', 'paypal']), z.string().regex(/^[a-z]+$/)]));
    expect(accept('card')).toBe('card');
    expect(accept('wallet')).toBe('wallet');
    expect(accept('Wallet')).toBe(DEFER);
  });

  it('runs refinements on the parsed object and defers when one adds an issue', () => {
    const schema = z
      .object({ low: z.number(), high: z.number() })
      .superRefine((value, ctx) => {
        if (value.low > value.high) ctx.addIssue({ code: 'custom', path: ['low'], message: 'must be at most high' });
      });
    const accept = accepterOf(schema);
    expect(accept({ low: 1, high: 2 })).toStrictEqual({ low: 1, high: 2 });
    expect(accept({ low: 3, high: 2 })).toBe(DEFER);
    // The shared payload is reset: a valid value after an invalid one is still accepted.
    expect(accept({ low: 0, high: 0 })).toStrictEqual({ low: 0, high: 0 });
    expect(accepterOf(z.string().refine((value) => value.startsWith('x')))('y')).toBe(DEFER);
  });

  it('returns the value a check overwrites', () => {
    expect(accepterOf(z.string().trim().toLowerCase())('  AbC ')).toBe('abc');
  });

  it('checks string formats with zod’s own patterns', () => {
    const accept = accepterOf(z.iso.datetime({ offset: true }));
    expect(accept('2026-11-26T10:15:00.000Z')).toBe('2026-11-26T10:15:00.000Z');
    expect(accept('2026-11-26T10:15:00+01:00')).toBe('2026-11-26T10:15:00+01:00');
    expect(accept('2026-11-26 10:15')).toBe(DEFER);
    expect(accepterOf(z.email())('not an address')).toBe(DEFER);
  });

  it('keeps the unknown keys of a loose object after the declared ones', () => {
    const schema = z.looseObject({ id: z.string().optional() });
    const accept = accepterOf(schema);
    expect(Object.keys(accept({ other: 1, id: 'a' }) as object)).toEqual(['id', 'other']);
    expect(expectAgreement(schema, accept, { other: 1, id: 'a' })).toBe(true);
  });

  it('checks arrays and their elements', () => {
    const schema = z.array(z.enum(['a', 'b'])).min(1).max(2);
    const accept = accepterOf(schema);
    expect(accept(['a', 'b'])).toStrictEqual(['a', 'b']);
    for (const invalid of [[], ['a', 'b', 'a'], ['c'], 'a']) expect(accept(invalid)).toBe(DEFER);
  });

  it('gives no accepter for what it does not model', () => {
    for (const schema of [
      z.coerce.number(),
      z.string().transform((value) => value.length),
      z.object({ page: z.number().default(1) }),
      z.strictObject({ id: z.string() }),
      z.record(z.string(), z.number()),
      z.string().pipe(z.email()),
      z.date(),
    ]) {
      expect(compileAccepter(schema as z.ZodType)).toBeUndefined();
    }
  });
});

/** Values put in place of a field, and keys removed, to probe every rule of a contract schema. */
const PROBES: unknown[] = [
  null, '', 'x', 'card', 'visa', 'Card', 'new_wallet', 'USD', 'usd', 'US', 'USA', 'pay_1', 'bad id!', 'a'.repeat(65), '5411', '541',
  '2026-11-26T10:15:00Z', '2026-11-26T10:15:00.000+01:00', '2026-13-01T00:00:00Z', '2026-11-26', '2026-12', '411111', '4111111', 'hard', 'soft',
  0, -1, 1, 2, 1.5, 50, 51, 1e12, 1e300, true, false, [], {}, ['retry_now'], ['retry_now', 'retry_now'],
];

/** Seeded, so a failure reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** The value with one field (at any depth) replaced by a probe, or removed. */
function mutations(value: unknown): unknown[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  const record = value as Record<string, unknown>;
  const out: unknown[] = [{ ...record, unexpected_field: 'kept out' }];
  for (const key of Object.keys(record)) {
    const { [key]: _removed, ...without } = record;
    out.push(without);
    for (const probe of PROBES) out.push({ ...record, [key]: probe });
    for (const nested of mutations(record[key])) out.push({ ...record, [key]: nested });
  }
  return out;
}

/** Two fields changed at once, sampled: cross-field rules (refinements) need pairs. */
function pairMutations(value: Record<string, unknown>, count: number, next: () => number): unknown[] {
  const keys = Object.keys(value);
  return Array.from({ length: count }, () => {
    const changed: Record<string, unknown> = { ...value };
    for (let i = 0; i < 2; i++) {
      const key = keys[Math.floor(next() * keys.length)]!;
      const pick = Math.floor(next() * (PROBES.length + 1));
      if (pick === PROBES.length) delete changed[key];
      else changed[key] = PROBES[pick];
    }
    return changed;
  });
}

describe('compileAccepter on the contracts', () => {
  const inferenceBodies: [string, z.ZodType, Record<string, unknown>][] = [
    ['fraud', INFERENCE_ROUTES.fraudScore.body, INFERENCE_EXAMPLES.fraudScore.request],
    ['retry', INFERENCE_ROUTES.retryStrategy.body, INFERENCE_EXAMPLES.retryStrategy.request],
    ['churn', INFERENCE_ROUTES.churnPredict.body, INFERENCE_EXAMPLES.churnPredict.request],
    ['recovery', INFERENCE_ROUTES.recoveryRecommend.body, INFERENCE_EXAMPLES.recoveryRecommend.request],
  ];

  it.each(inferenceBodies)('accepts the %s example and agrees with zod on every mutation of it', (_name, schema, example) => {
    const accept = accepterOf(schema);
    expect(expectAgreement(schema, accept, example)).toBe(true);
    const inputs = [...mutations(example), ...pairMutations(example, 2_000, random(7))];
    let accepted = 0;
    let rejected = 0;
    for (const input of inputs) {
      if (expectAgreement(schema, accept, input)) accepted++;
      else if (!schema.safeParse(input).success) rejected++;
    }
    // Both sides are exercised: valid variants taken, invalid ones left to zod.
    expect(accepted).toBeGreaterThan(50);
    expect(rejected).toBeGreaterThan(200);
  });

  it('accepts the request-id headers, keeping every other header', () => {
    const accept = accepterOf(RequestIdHeaders);
    const headers = { host: '127.0.0.1', 'content-type': 'application/json', 'x-request-id': 'wf-1' };
    expect(expectAgreement(RequestIdHeaders, accept, headers)).toBe(true);
    expect(accept({ ...headers, 'x-request-id': '' })).toBe(DEFER);
  });

  it('compiles every part of every route table, or declines it, without throwing', () => {
    const routes: RouteDefinition[] = [...Object.values(INFERENCE_ROUTES), ...registryRouteDefinitions()];
    const parts = routes.flatMap((route) => [route.body, route.querystring, route.params, route.headers].filter((part) => part !== undefined));
    const compiled = parts.filter((part) => compileAccepter(part) !== undefined);
    // Most parts are plain JSON shapes; querystrings that coerce are left to zod.
    expect(compiled.length).toBeGreaterThan(parts.length / 2);
  });
});
