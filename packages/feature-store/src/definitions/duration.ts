import type { FeatureDuration } from '@payments-mlops/contracts';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `5m` → 300000. The contracts' FeatureDuration schema has already checked the spelling. */
export function durationMs(duration: FeatureDuration): number {
  const unit = duration.at(-1) as keyof typeof UNIT_MS;
  const amount = Number(duration.slice(0, -1));
  const factor = UNIT_MS[unit];
  if (factor === undefined || !Number.isSafeInteger(amount) || amount <= 0) {
    throw new Error(`'${duration}' is not a duration such as 90s, 5m, 1h or 30d`);
  }
  return amount * factor;
}

export const MINUTE_MS = UNIT_MS.m;
export const HOUR_MS = UNIT_MS.h;
export const DAY_MS = UNIT_MS.d;
