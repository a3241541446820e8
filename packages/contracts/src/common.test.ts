import { describe, expect, it } from 'vitest';
import {
  AmountCents,
  CardBrand,
  Channel,
  CountryCode,
  Currency,
  DECLINE_CODES,
  DeclineCode,
  EntityId,
  HARD_DECLINE_CODES,
  MerchantCategoryCode,
  PaymentMethodType,
  SOFT_DECLINE_CODES,
  Timestamp,
  declineTypeOf,
} from './common.js';

describe('EntityId', () => {
  it.each(['pay_8f3k2m9q', 'cus.51:hx-0', 'x'.repeat(64)])('accepts %s', (id) => {
    expect(EntityId.safeParse(id).success).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['longer than 64 characters', 'x'.repeat(65)],
    ['containing a space', 'pay 1'],
    ['containing a slash', 'pay/1'],
    ['a number', 42],
  ])('rejects an id %s', (_case, id) => {
    expect(EntityId.safeParse(id).success).toBe(false);
  });
});

describe('AmountCents', () => {
  it('accepts whole minor units up to ten billion', () => {
    expect(AmountCents.parse(1)).toBe(1);
    expect(AmountCents.parse(10_000_000_000)).toBe(10_000_000_000);
  });

  it.each([
    ['negative', -100, 'must be greater than zero'],
    ['zero', 0, 'must be greater than zero'],
    ['fractional', 10.5, 'must be an integer number of minor units'],
    ['above ten billion', 10_000_000_001, 'must be at most 10,000,000,000 minor units'],
  ])('rejects an amount that is %s, saying why', (_case, amount, message) => {
    const result = AmountCents.safeParse(amount);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([message]);
  });

  it.each([
    ['a numeric string', '100'],
    ['NaN', Number.NaN],
    ['infinity', Infinity],
  ])('rejects %s', (_case, amount) => {
    expect(AmountCents.safeParse(amount).success).toBe(false);
  });
});

describe('Currency', () => {
  it('accepts the currencies the platform settles in', () => {
    expect(Currency.parse('EUR')).toBe('EUR');
  });

  it.each(['XYZ', 'THB', 'usd', 'US', ''])('rejects %j', (code) => {
    expect(Currency.safeParse(code).success).toBe(false);
  });
});

describe('CountryCode', () => {
  it.each([
    ['accepts', 'DE', true],
    ['rejects lowercase', 'de', false],
    ['rejects alpha-3', 'DEU', false],
    ['rejects digits', '49', false],
  ])('%s %j', (_case, code, valid) => {
    expect(CountryCode.safeParse(code).success).toBe(valid);
  });
});

describe('MerchantCategoryCode', () => {
  it.each([
    ['accepts', '5732', true],
    ['rejects three digits', '573', false],
    ['rejects five digits', '57320', false],
    ['rejects a number', 5732, false],
  ])('%s %j', (_case, mcc, valid) => {
    expect(MerchantCategoryCode.safeParse(mcc).success).toBe(valid);
  });
});

describe('closed category lists', () => {
  it.each([
    ['PaymentMethodType', PaymentMethodType, 'card', 'cash'],
    ['CardBrand', CardBrand, 'visa', 'Visa'],
    ['Channel', Channel, 'mobile_app', 'phone'],
    ['DeclineCode', DeclineCode, 'do_not_honor', 'generic_decline'],
  ] as const)('%s accepts its own values and rejects others', (_name, schema, known, unknown) => {
    expect(schema.safeParse(known).success).toBe(true);
    expect(schema.safeParse(unknown).success).toBe(false);
  });
});

describe('declineTypeOf', () => {
  it('calls every soft code soft and every hard code hard, covering the whole list', () => {
    expect(SOFT_DECLINE_CODES.map(declineTypeOf)).toEqual(SOFT_DECLINE_CODES.map(() => 'soft'));
    expect(HARD_DECLINE_CODES.map(declineTypeOf)).toEqual(HARD_DECLINE_CODES.map(() => 'hard'));
    expect(DECLINE_CODES).toHaveLength(SOFT_DECLINE_CODES.length + HARD_DECLINE_CODES.length);
  });
});

describe('Timestamp', () => {
  it.each(['2026-11-26T10:15:00.000Z', '2026-11-26T10:15:00Z', '2026-11-26T11:15:00+01:00'])(
    'accepts %s',
    (value) => {
      expect(Timestamp.safeParse(value).success).toBe(true);
    },
  );

  it.each([
    ['without a time', '2026-11-26'],
    ['without seconds', '2026-11-26T10:15Z'],
    ['without an offset', '2026-11-26T10:15:00'],
    ['on a day that does not exist', '2026-02-30T10:15:00Z'],
    ['in another format', 'Thu, 26 Nov 2026 10:15:00 GMT'],
    ['as epoch milliseconds', 1_795_000_000_000],
  ])('rejects a timestamp %s', (_case, value) => {
    expect(Timestamp.safeParse(value).success).toBe(false);
  });
});
