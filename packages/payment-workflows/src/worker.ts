import { fileURLToPath } from 'node:url';
import type { Logger } from '@temporalio/common';
import { Worker, bundleWorkflowCode, type NativeConnection, type WorkflowBundle } from '@temporalio/worker';
import type { InferenceClient } from '@payments-mlops/inference-client';
import { createGatewayActivities, type PaymentGateway } from './activities/payment-gateway.js';
import { createInferenceActivities } from './activities/inference-activities.js';

export const PAYMENT_TASK_QUEUE = 'payments-mlops';

/**
 * The workflow module: the .ts source when this file runs from source (tests, `make` targets),
 * the compiled .js next to it when it runs from dist/ (containers).
 */
export const WORKFLOWS_PATH = fileURLToPath(new URL(`./workflows/payment-workflow${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url));

/** Resolves `./x.js` imports to the `./x.ts` sources, as TypeScript's NodeNext layout writes them. */
const bundlerOptions = {
  webpackConfigHook: (config: { resolve?: { extensionAlias?: Record<string, string[]> } }) => {
    config.resolve = { ...config.resolve, extensionAlias: { '.js': ['.ts', '.js'] } };
    return config;
  },
};

/**
 * Bundles the workflow code once (webpack; seconds on two cores), so several workers, or a worker
 * restarted by a test, start without bundling again.
 */
export function bundlePaymentWorkflows(logger?: Logger): Promise<WorkflowBundle> {
  // The hook's config type is webpack's; the shape used here is all it needs.
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, ...(bundlerOptions as object), ...(logger ? { logger } : {}) });
}

export interface PaymentWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  inference: InferenceClient;
  gateway: PaymentGateway;
  /** A prebuilt bundle; bundled at start-up when absent. */
  workflowBundle?: WorkflowBundle;
  /** Limits what one worker runs at once, so it shares two cores politely. */
  maxConcurrentActivityTaskExecutions?: number;
}

/** A worker running paymentWorkflow with the inference and gateway activities. */
export async function createPaymentWorker(options: PaymentWorkerOptions): Promise<Worker> {
  const workflowBundle = options.workflowBundle ?? (await bundlePaymentWorkflows());
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? PAYMENT_TASK_QUEUE,
    workflowBundle,
    activities: { ...createInferenceActivities(options.inference), ...createGatewayActivities(options.gateway) },
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? 50,
  });
}
