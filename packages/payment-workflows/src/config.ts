import { LogLevel, envInteger } from '@payments-mlops/service-kit';
import { z } from 'zod';

/** The payment worker's environment; every variable has a local default. */
export const PaymentWorkerConfig = z.object({
  LOG_LEVEL: LogLevel.default('info'),
  TEMPORAL_ADDRESS: z.string().regex(/^[^\s:]+:\d+$/, 'must be host:port').default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('payments-mlops'),
  /** ml-serving, as the payments platform's orchestrator names it. */
  ORCHESTRATOR_INFERENCE_SERVICE_URL: z.url().default('http://127.0.0.1:8002'),
  /** One inference attempt's budget; Temporal's activity retries come on top of the client's own. */
  INFERENCE_TIMEOUT_MS: envInteger({ min: 1, max: 60_000 }).default(2_000),
  INFERENCE_MAX_ATTEMPTS: envInteger({ min: 1, max: 10 }).default(2),
  INFERENCE_BREAKER_FAILURES: envInteger({ min: 1 }).default(5),
  INFERENCE_BREAKER_RESET_MS: envInteger({ min: 0 }).default(10_000),
  /** The payments platform's gateway (POST /charges, idempotent on Idempotency-Key). */
  PAYMENT_GATEWAY_URL: z.url().default('http://127.0.0.1:8090'),
  PAYMENT_GATEWAY_TIMEOUT_MS: envInteger({ min: 1 }).default(10_000),
  WORKER_MAX_CONCURRENT_ACTIVITIES: envInteger({ min: 1, max: 1_000 }).default(50),
});
export type PaymentWorkerConfig = z.infer<typeof PaymentWorkerConfig>;
