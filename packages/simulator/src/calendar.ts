/** Time in the simulator is UTC epoch milliseconds; days are UTC days since the epoch. */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

const FRIDAY = 5;
const SATURDAY = 6;
const SUNDAY = 0;
/** Salaries land at 06:00 UTC on payday. */
const PAY_HOUR = 6;

export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function hourOf(ms: number): number {
  return Math.floor((ms - dayOf(ms) * DAY_MS) / HOUR_MS);
}

/** Calendar date of a day number (Howard Hinnant's days_from_civil inverse). */
export function civilDate(day: number): { year: number; month: number; dayOfMonth: number } {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const dayOfMonth = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, dayOfMonth };
}

function dayNumber(year: number, month: number, dayOfMonth: number): number {
  return Date.UTC(year, month - 1, dayOfMonth) / DAY_MS;
}

/** A payday that falls on a weekend is paid the Friday before. */
function previousBusinessDay(day: number): number {
  const weekday = weekdayOf(day);
  if (weekday === SATURDAY) return day - 1;
  if (weekday === SUNDAY) return day - 2;
  return day;
}

/**
 * When a customer is paid. Insufficient-funds declines cluster before payday and clear after it,
 * which is what makes payday-aligned retries work for some customers and not for others.
 */
export const PAY_SCHEDULES = ['weekly', 'biweekly_even', 'biweekly_odd', 'semi_monthly', 'monthly'] as const;
export type PaySchedule = (typeof PAY_SCHEDULES)[number];
/** The platform's payday-aligned retry targets the 1st, the 15th and the last business day. */
export type PaydayCalendar = PaySchedule | 'platform';

function monthPaydays(year: number, month: number, calendar: 'semi_monthly' | 'monthly' | 'platform'): number[] {
  const lastDay = previousBusinessDay(dayNumber(year, month + 1, 0));
  if (calendar === 'monthly') return [lastDay];
  const semi = [previousBusinessDay(dayNumber(year, month, 1)), previousBusinessDay(dayNumber(year, month, 15))];
  return calendar === 'platform' ? [...semi, lastDay] : semi;
}

export function isPayday(day: number, calendar: PaydayCalendar): boolean {
  switch (calendar) {
    case 'weekly':
      return weekdayOf(day) === FRIDAY;
    case 'biweekly_even':
    case 'biweekly_odd':
      return weekdayOf(day) === FRIDAY && (Math.floor(day / 7) % 2 === 0) === (calendar === 'biweekly_even');
    case 'semi_monthly':
    case 'monthly':
    case 'platform': {
      const { year, month } = civilDate(day);
      // A weekend 1st can move the payday back into the previous month, so look one month ahead.
      const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
      return [...monthPaydays(year, month, calendar), ...monthPaydays(next.year, next.month, calendar)].includes(day);
    }
  }
}

const CALENDAR_INDEX: Record<PaydayCalendar, number> = {
  weekly: 0,
  biweekly_even: 1,
  biweekly_odd: 2,
  semi_monthly: 3,
  monthly: 4,
  platform: 5,
};
/** (day, calendar) → the paydays around it; a run touches a few hundred days per calendar. */
const paydayCache = new Map<number, { last: number; next: number }>();

/** The last payday at or before `day` and the first strictly after it (at most 31 days apart). */
function paydaysAround(day: number, calendar: PaydayCalendar): { last: number; next: number } {
  const key = day * 8 + CALENDAR_INDEX[calendar];
  let found = paydayCache.get(key);
  if (found === undefined) {
    let last = day;
    while (!isPayday(last, calendar)) last--;
    let next = day + 1;
    while (!isPayday(next, calendar)) next++;
    found = { last, next };
    if (paydayCache.size > 200_000) paydayCache.clear();
    paydayCache.set(key, found);
  }
  return found;
}

/** The first pay instant strictly after `ms`. */
export function nextPaydayAt(ms: number, calendar: PaydayCalendar, hour = PAY_HOUR): number {
  const day = dayOf(ms);
  const today = day * DAY_MS + hour * HOUR_MS;
  if (ms < today && isPayday(day, calendar)) return today;
  return paydaysAround(day, calendar).next * DAY_MS + hour * HOUR_MS;
}

/** The last pay instant at or before `ms`. */
export function lastPaydayAt(ms: number, calendar: PaydayCalendar): number {
  const day = dayOf(ms);
  const todayPay = day * DAY_MS + PAY_HOUR * HOUR_MS;
  const around = paydaysAround(ms < todayPay ? day - 1 : day, calendar);
  return around.last * DAY_MS + PAY_HOUR * HOUR_MS;
}

/** Where `ms` sits in the customer's pay cycle: 0 just after payday, towards 1 just before the next. */
export function payCycleProgress(ms: number, calendar: PaySchedule): number {
  const last = lastPaydayAt(ms, calendar);
  const next = nextPaydayAt(ms, calendar);
  return (ms - last) / (next - last);
}

/** Relative intensity of consumer payments by UTC hour: quiet at night, peaking in the evening. */
const HOURLY_INTENSITY = [
  0.3, 0.2, 0.15, 0.12, 0.12, 0.18, 0.35, 0.6, 0.85, 1.0, 1.05, 1.1, 1.2, 1.15, 1.1, 1.1, 1.15, 1.25, 1.4,
  1.5, 1.45, 1.2, 0.85, 0.5,
];
const WEEKDAY_INTENSITY = [0.95, 0.95, 1.0, 1.0, 1.02, 1.08, 1.12];
export const MAX_SESSION_INTENSITY = 1.5 * 1.12;

export function sessionIntensity(ms: number): number {
  return (HOURLY_INTENSITY[hourOf(ms)] ?? 1) * (WEEKDAY_INTENSITY[weekdayOf(dayOf(ms))] ?? 1);
}

/** Issuers' weekly maintenance window, Sunday 02:00–04:00 UTC: authorizations time out. */
export function inIssuerMaintenance(ms: number): boolean {
  const hour = hourOf(ms);
  return weekdayOf(dayOf(ms)) === SUNDAY && hour >= 2 && hour < 4;
}

/** The same day of the month `months` later, clamped to the month's length (Jan 31 → Feb 28). */
export function addMonths(ms: number, months: number): number {
  const day = dayOf(ms);
  const { year, month, dayOfMonth } = civilDate(day);
  const targetMonthIndex = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(targetMonthIndex / 12);
  const targetMonth = (targetMonthIndex % 12) + 1;
  const length = dayNumber(targetYear, targetMonth + 1, 0) - dayNumber(targetYear, targetMonth, 1) + 1;
  return dayNumber(targetYear, targetMonth, Math.min(dayOfMonth, length)) * DAY_MS + (ms - day * DAY_MS);
}
