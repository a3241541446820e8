import type { MonitorSettings } from '../domain/model-monitor.js';

/** The monitor as `.env.example` configures it: the tests' starting point. */
export const DEFAULT_MONITOR_SETTINGS: MonitorSettings = {
  windowMinutes: 60,
  maxWindowRows: 100_000,
  thresholds: { distance: 0.1, pValue: 0.05, smallReferenceRows: 1_000 },
  driftShare: 0.5,
  performanceWindowDays: 30,
  fraudMaturityDays: 14,
  churnHorizonDays: 30,
  minLabelledRows: 200,
  minLabelledPerClass: 10,
};
