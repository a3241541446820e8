import { z } from 'zod';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';

/** A dependency the service cannot work without; `check` throws (or rejects) when it is not ready. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
  /** How long the check may take before it counts as failed; 2 s by default. */
  timeoutMs?: number;
}

export const DEFAULT_READINESS_TIMEOUT_MS = 2_000;

export const ReadinessReport = z.object({
  status: z.enum(['ready', 'not_ready']),
  /** 'ok' per passing check, the error message per failing one. */
  checks: z.record(z.string(), z.string()),
  shutting_down: z.boolean().optional(),
});
export type ReadinessReport = z.infer<typeof ReadinessReport>;

/** Runs every check at once, each bounded by its timeout, and reports all of them. */
export async function runReadinessChecks(
  checks: readonly ReadinessCheck[],
): Promise<ReadinessReport> {
  const outcomes = await Promise.all(
    checks.map(async ({ name, check, timeoutMs = DEFAULT_READINESS_TIMEOUT_MS }) => {
      try {
        await withTimeout(check(), timeoutMs);
        return [name, 'ok'] as const;
      } catch (error) {
        return [name, describeFailure(error)] as const;
      }
    }),
  );
  const ready = outcomes.every(([, outcome]) => outcome === 'ok');
  return { status: ready ? 'ready' : 'not_ready', checks: Object.fromEntries(outcomes) };
}

async function withTimeout(work: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Connection failures to 'localhost' come as an AggregateError with an empty message. */
function describeFailure(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') {
    return error.errors.map((inner) => describeFailure(inner)).join('; ') || 'failed';
  }
  if (error instanceof Error) {
    return error.message || (error as { code?: string }).code || error.name;
  }
  return String(error);
}

export interface HealthRouteOptions {
  readiness: readonly ReadinessCheck[];
  isShuttingDown: () => boolean;
}

/**
 * /healthz answers whether the process is alive and checks nothing external (a restart would not
 * fix a database outage); /readyz answers whether it should receive traffic.
 */
export const healthRoutes: FastifyPluginCallbackZod<HealthRouteOptions> = (
  app,
  { readiness, isShuttingDown },
  done,
) => {
  app.get(
    '/healthz',
    { schema: { hide: true, response: { 200: z.object({ status: z.literal('ok') }) } } },
    () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    { schema: { hide: true, response: { 200: ReadinessReport, 503: ReadinessReport } } },
    async (_request, reply) => {
      if (isShuttingDown()) {
        return reply.code(503).send({ status: 'not_ready', checks: {}, shutting_down: true });
      }
      const report = await runReadinessChecks(readiness);
      return reply.code(report.status === 'ready' ? 200 : 503).send(report);
    },
  );
  done();
};
