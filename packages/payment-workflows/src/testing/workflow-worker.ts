import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { InferenceClient } from '@payments-mlops/inference-client';
import { HttpPaymentGateway } from '../activities/payment-gateway.js';
import { bundlePaymentWorkflows, createPaymentWorker } from '../worker.js';

export interface WorkflowTestWorker {
  client: Client;
  taskQueue: string;
  /** How long webpack took to bundle the workflow code. */
  bundleMs: number;
  close(): Promise<void>;
}

let runtimeInstalled = false;

/**
 * A real worker on its own task queue of the Temporal server at `address` (make temporal-up),
 * running paymentWorkflow against the given inference service and gateway, and a client for it.
 */
export async function startWorkflowTestWorker(options: {
  address?: string;
  inferenceUrl: string;
  gatewayUrl: string;
  inferenceTimeoutMs?: number;
  /** Another worker's queue, to take over its workflows; a fresh one when absent. */
  taskQueue?: string;
}): Promise<WorkflowTestWorker> {
  const address = options.address ?? process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  if (!runtimeInstalled) {
    // Worker state changes and the failures tests provoke on purpose would drown the output.
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    runtimeInstalled = true;
  }
  let clientConnection: Connection;
  try {
    clientConnection = await Connection.connect({ address, connectTimeout: '5 seconds' });
  } catch (error) {
    throw new Error(`Temporal is not answering on ${address}: start it with \`make temporal-up\` (or make infra-up). ${(error as Error).message}`, { cause: error });
  }
  const started = performance.now();
  const workflowBundle = await bundlePaymentWorkflows(new DefaultLogger('WARN'));
  const bundleMs = performance.now() - started;
  const workerConnection = await NativeConnection.connect({ address });
  const taskQueue = options.taskQueue ?? `payment-workflows-test-${randomUUID()}`;
  const worker: Worker = await createPaymentWorker({
    connection: workerConnection,
    taskQueue,
    workflowBundle,
    inference: new InferenceClient({ baseUrl: options.inferenceUrl, timeoutMs: options.inferenceTimeoutMs ?? 5_000, retry: { maxAttempts: 1 }, circuitBreaker: false }),
    gateway: new HttpPaymentGateway({ baseUrl: options.gatewayUrl }),
  });
  const running = worker.run();
  return {
    client: new Client({ connection: clientConnection }),
    taskQueue,
    bundleMs,
    async close() {
      worker.shutdown();
      await running;
      await workerConnection.close();
      await clientConnection.close();
    },
  };
}
