import { z } from 'zod';

/** Drift injected on purpose from a given day, for the monitoring work to detect. */
export const DRIFT_KINDS = ['amount-shift', 'new-fraud-pattern'] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

/** Default magnitude: amounts ×1.5; the new fraud pattern at its nominal rate. */
export const DEFAULT_DRIFT_MAGNITUDE: Record<DriftKind, number> = {
  'amount-shift': 1.5,
  'new-fraud-pattern': 1,
};

export const Drift = z.object({
  kind: z.enum(DRIFT_KINDS),
  /** Days after the start; the drift applies from then on. */
  fromDay: z.number().min(0, 'must be at least 0'),
  /** amount-shift: the factor amounts are multiplied by; new-fraud-pattern: its rate multiplier. */
  magnitude: z.number().positive('must be greater than zero').max(100, 'must be at most 100'),
});
export type Drift = z.infer<typeof Drift>;

const MAX_SEED = 4_294_967_295;

export const SimulationOptions = z
  .object({
    seed: z
      .number({ error: 'must be a number' })
      .int('must be an integer')
      .min(0, 'must be at least 0')
      .max(MAX_SEED, `must be at most ${MAX_SEED}`),
    /** First instant of the simulated span, epoch milliseconds. */
    startMs: z.number().int().min(0, 'must not be before 1970'),
    /** Length of the span the events are spread over. */
    days: z.number({ error: 'must be a number' }).int('must be an integer').positive('must be greater than zero').max(3650, 'must be at most 3650'),
    /** Stop after this many payment events; without it the simulation runs until the caller stops. */
    events: z
      .number({ error: 'must be a number' })
      .int('must be an integer')
      .positive('must be greater than zero')
      .max(1_000_000_000, 'must be at most 1,000,000,000')
      .optional(),
    /** Registered customers; by default about one per 0.3 payments a day. */
    customers: z
      .number({ error: 'must be a number' })
      .int('must be an integer')
      .min(20, 'must be at least 20')
      .max(5_000_000, 'must be at most 5,000,000')
      .optional(),
    drifts: z.array(Drift).default([]),
  })
  .superRefine((options, ctx) => {
    options.drifts.forEach((drift, i) => {
      if (drift.fromDay >= options.days) {
        ctx.addIssue({ code: 'custom', path: ['drifts', i, 'fromDay'], message: `must be before the end of the span (day ${options.days})` });
      }
    });
  });
export type SimulationOptions = z.input<typeof SimulationOptions>;
export type ResolvedSimulationOptions = z.output<typeof SimulationOptions>;

/** Parses `kind:day[:magnitude]`, e.g. `amount-shift:45:1.3` or `new-fraud-pattern:60`. */
export function parseDrift(spec: string): Drift {
  const [kind, day, magnitude, ...rest] = spec.split(':');
  if (!DRIFT_KINDS.includes(kind as DriftKind) || day === undefined || rest.length > 0) {
    throw new Error(`"${spec}" is not kind:day[:magnitude] with kind one of ${DRIFT_KINDS.join(', ')}`);
  }
  const parsed = Drift.safeParse({
    kind,
    fromDay: Number(day),
    magnitude: magnitude === undefined ? DEFAULT_DRIFT_MAGNITUDE[kind as DriftKind] : Number(magnitude),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`"${spec}": ${String(issue?.path[0] ?? 'value')} ${issue?.message ?? 'is invalid'}`);
  }
  return parsed.data;
}

/** Drift state at a given instant. */
export class DriftSchedule {
  private readonly amountShifts: { fromMs: number; factor: number }[];
  private readonly newPatterns: { fromMs: number; rate: number }[];

  constructor(drifts: readonly Drift[], startMs: number) {
    const at = (d: Drift): number => startMs + d.fromDay * 86_400_000;
    this.amountShifts = drifts.filter((d) => d.kind === 'amount-shift').map((d) => ({ fromMs: at(d), factor: d.magnitude }));
    this.newPatterns = drifts.filter((d) => d.kind === 'new-fraud-pattern').map((d) => ({ fromMs: at(d), rate: d.magnitude }));
  }

  /** What legitimate amounts are multiplied by at `ms`. */
  amountFactor(ms: number): number {
    let factor = 1;
    for (const shift of this.amountShifts) if (ms >= shift.fromMs) factor *= shift.factor;
    return factor;
  }

  /** Rate multiplier of the wallet-provisioning fraud pattern at `ms` (0 before it appears). */
  newFraudPatternRate(ms: number): number {
    let rate = 0;
    for (const pattern of this.newPatterns) if (ms >= pattern.fromMs) rate += pattern.rate;
    return rate;
  }
}
