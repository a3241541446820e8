import { describe, expect, it } from 'vitest';
import {
  addMonths,
  civilDate,
  dayOf,
  inIssuerMaintenance,
  isPayday,
  lastPaydayAt,
  nextPaydayAt,
  payCycleProgress,
} from './calendar.js';

const day = (iso: string): number => dayOf(Date.parse(`${iso}T12:00:00Z`));

describe('paydays', () => {
  it('pays semi-monthly on the 1st and 15th, moving a weekend payday to the Friday before', () => {
    // 2026-02-01 is a Sunday: paid Friday 2026-01-30. 2026-02-15 is a Sunday: paid Friday the 13th.
    expect(isPayday(day('2026-01-15'), 'semi_monthly')).toBe(true);
    expect(isPayday(day('2026-01-30'), 'semi_monthly')).toBe(true);
    expect(isPayday(day('2026-02-01'), 'semi_monthly')).toBe(false);
    expect(isPayday(day('2026-02-13'), 'semi_monthly')).toBe(true);
    expect(isPayday(day('2026-02-16'), 'semi_monthly')).toBe(false);
  });

  it('pays monthly on the last business day', () => {
    // 2026-01-31 is a Saturday.
    expect(isPayday(day('2026-01-30'), 'monthly')).toBe(true);
    expect(isPayday(day('2026-01-31'), 'monthly')).toBe(false);
    expect(isPayday(day('2026-03-31'), 'monthly')).toBe(true);
  });

  it('pays weekly on Fridays and biweekly on alternate Fridays', () => {
    expect(isPayday(day('2026-01-02'), 'weekly')).toBe(true);
    expect(isPayday(day('2026-01-03'), 'weekly')).toBe(false);
    const even = isPayday(day('2026-01-02'), 'biweekly_even');
    expect(isPayday(day('2026-01-02'), 'biweekly_odd')).toBe(!even);
    expect(isPayday(day('2026-01-09'), 'biweekly_even')).toBe(!even);
    expect(isPayday(day('2026-01-16'), 'biweekly_even')).toBe(even);
  });

  it('finds the pay instants around a moment, at 06:00 UTC', () => {
    const at = Date.parse('2026-01-20T15:00:00Z');
    expect(new Date(lastPaydayAt(at, 'semi_monthly')).toISOString()).toBe('2026-01-15T06:00:00.000Z');
    expect(new Date(nextPaydayAt(at, 'semi_monthly')).toISOString()).toBe('2026-01-30T06:00:00.000Z');
    // On payday before 06:00 the pay has not landed yet.
    const early = Date.parse('2026-01-15T05:00:00Z');
    expect(new Date(nextPaydayAt(early, 'semi_monthly')).toISOString()).toBe('2026-01-15T06:00:00.000Z');
    expect(payCycleProgress(Date.parse('2026-01-15T06:00:00Z'), 'semi_monthly')).toBe(0);
    expect(payCycleProgress(Date.parse('2026-01-29T06:00:00Z'), 'semi_monthly')).toBeCloseTo(14 / 15, 5);
  });

  it('targets the platform calendar (1st, 15th, last business day) at a chosen hour', () => {
    const at = Date.parse('2026-01-16T00:00:00Z');
    expect(new Date(nextPaydayAt(at, 'platform', 10)).toISOString()).toBe('2026-01-30T10:00:00.000Z');
  });
});

describe('calendar arithmetic', () => {
  it('converts day numbers to civil dates', () => {
    expect(civilDate(day('2024-02-29'))).toEqual({ year: 2024, month: 2, dayOfMonth: 29 });
    expect(civilDate(day('1999-12-31'))).toEqual({ year: 1999, month: 12, dayOfMonth: 31 });
  });

  it('adds months keeping the time of day and clamping to the month length', () => {
    const at = Date.parse('2026-01-31T09:30:00Z');
    expect(new Date(addMonths(at, 1)).toISOString()).toBe('2026-02-28T09:30:00.000Z');
    expect(new Date(addMonths(at, 13)).toISOString()).toBe('2027-02-28T09:30:00.000Z');
  });

  it('knows the issuers maintenance window: Sundays 02:00 to 04:00 UTC', () => {
    expect(inIssuerMaintenance(Date.parse('2026-01-04T02:30:00Z'))).toBe(true);
    expect(inIssuerMaintenance(Date.parse('2026-01-04T04:00:00Z'))).toBe(false);
    expect(inIssuerMaintenance(Date.parse('2026-01-05T02:30:00Z'))).toBe(false);
  });
});
