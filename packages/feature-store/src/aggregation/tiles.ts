import type { FeatureDuration } from '@payments-mlops/contracts';
import { DAY_MS, HOUR_MS, MINUTE_MS, durationMs } from '../definitions/duration.js';

/**
 * Window aggregates are kept in time buckets ("tiles") aligned to the epoch. A window of n tiles
 * of size T, evaluated at time t, covers the events before t whose tile is one of the n tiles
 * ending with t's own: [tileStart(t) − (n − 1)·T, t). Offline SQL and the online store use exactly
 * this rule, which is what makes their values equal. The tile size follows from the window, so
 * a 1 h window moves by the minute and a 30 d window by the hour.
 */
export function tileSizeMs(windowMs: number): number {
  if (windowMs <= HOUR_MS) return MINUTE_MS;
  if (windowMs <= DAY_MS) return 5 * MINUTE_MS;
  return HOUR_MS;
}

export interface WindowTiles {
  /** Tile size in ms. */
  tileMs: number;
  /** How many tiles the window spans. */
  tiles: number;
}

/** Throws when the window is not a whole number of its tiles (e.g. 90m, whose tiles are 5m: fine; 61m is not). */
export function windowTiles(window: FeatureDuration): WindowTiles {
  const windowMs = durationMs(window);
  const tileMs = tileSizeMs(windowMs);
  if (windowMs < MINUTE_MS || windowMs % tileMs !== 0) {
    throw new Error(`must be a whole number of its ${tileMs / MINUTE_MS}-minute buckets (at least 1m)`);
  }
  return { tileMs, tiles: windowMs / tileMs };
}

export function tileIndex(timestampMs: number, tileMs: number): number {
  return Math.floor(timestampMs / tileMs);
}

/** The first instant a window of `tiles` tiles evaluated at `asOfMs` covers. */
export function windowStartMs(asOfMs: number, { tileMs, tiles }: WindowTiles): number {
  return (tileIndex(asOfMs, tileMs) - tiles + 1) * tileMs;
}
