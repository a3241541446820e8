import { InferenceClient } from '@payments-mlops/inference-client';
import { createLogger, loadConfig } from '@payments-mlops/service-kit';
import { NativeConnection } from '@temporalio/worker';
import { HttpPaymentGateway } from './activities/payment-gateway.js';
import { PaymentWorkerConfig } from './config.js';
import { createPaymentWorker } from './worker.js';

// The payment worker process: runs paymentWorkflow and its activities until SIGINT or SIGTERM,
// on which the Temporal worker drains in-flight tasks before it exits.
const config = loadConfig(PaymentWorkerConfig);
const logger = createLogger({ service: 'payment-worker', level: config.LOG_LEVEL });

const inference = new InferenceClient({
  baseUrl: config.ORCHESTRATOR_INFERENCE_SERVICE_URL,
  timeoutMs: config.INFERENCE_TIMEOUT_MS,
  retry: { maxAttempts: config.INFERENCE_MAX_ATTEMPTS },
  circuitBreaker: { failureThreshold: config.INFERENCE_BREAKER_FAILURES, resetTimeoutMs: config.INFERENCE_BREAKER_RESET_MS },
  onCircuitStateChange: (operation, state, previous) => logger.warn({ component: 'inference', operation, state, previous }, 'inference circuit changed state'),
});
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const worker = await createPaymentWorker({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  inference,
  gateway: new HttpPaymentGateway({ baseUrl: config.PAYMENT_GATEWAY_URL, timeoutMs: config.PAYMENT_GATEWAY_TIMEOUT_MS }),
  maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
});
logger.info({ address: config.TEMPORAL_ADDRESS, taskQueue: config.TEMPORAL_TASK_QUEUE, inference: inference.baseUrl }, 'payment worker started');
try {
  await worker.run();
} finally {
  await connection.close();
  logger.info('payment worker stopped');
}
