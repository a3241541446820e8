import type { RiskLevel } from '@payments-mlops/contracts';

export interface RiskBands {
  medium: number;
  high: number;
}

/** The band of a probability: `high` from bands.high, `medium` from bands.medium. */
export function riskLevelOf(score: number, bands: RiskBands): RiskLevel {
  if (score >= bands.high) return 'high';
  if (score >= bands.medium) return 'medium';
  return 'low';
}
