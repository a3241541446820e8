import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { INFERENCE_EXAMPLES } from '@payments-mlops/contracts';
import { startContractInferenceServer } from '@payments-mlops/inference-client/testing';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '@payments-mlops/test-infra';
import { startScriptedGatewayServer } from './testing/index.js';
import { paymentWorkflow } from './workflows/index.js';

const WORKER_MAIN = fileURLToPath(new URL('./worker-main.ts', import.meta.url));
const TEMPORAL_ADDRESS = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';

function startWorker(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', WORKER_MAIN], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const waitFor = async (text: string, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!output.includes(text)) {
      if (child.exitCode !== null) throw new Error(`worker exited ${child.exitCode} before "${text}":\n${output}`);
      if (Date.now() > deadline) throw new Error(`worker never logged "${text}":\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return { child, exit, waitFor, output: () => output };
}

describe('the payment worker process (worker-main.ts)', () => {
  it('runs workflows from its environment and drains and exits 0 on SIGTERM', async () => {
    const inference = await startContractInferenceServer();
    const gateway = await startScriptedGatewayServer();
    const taskQueue = `payment-worker-main-${randomUUID()}`;
    const worker = startWorker({
      TEMPORAL_ADDRESS,
      TEMPORAL_TASK_QUEUE: taskQueue,
      ORCHESTRATOR_INFERENCE_SERVICE_URL: inference.url,
      PAYMENT_GATEWAY_URL: gateway.url,
      LOG_LEVEL: 'info',
    });
    const connection = await Connection.connect({ address: TEMPORAL_ADDRESS });
    try {
      await worker.waitFor('payment worker started');
      const paymentId = `pay_main_${Date.now()}`;
      const outcome = await new Client({ connection }).workflow.execute(paymentWorkflow, {
        taskQueue,
        workflowId: `worker-main-${paymentId}`,
        args: [{ payment: { ...INFERENCE_EXAMPLES.fraudScore.request, payment_id: paymentId }, payment_type: 'one_off' }],
      });
      expect(outcome).toMatchObject({ status: 'succeeded', attempts: [{ attempt_number: 1 }] });
      worker.child.kill('SIGTERM');
      const [code] = await worker.exit;
      expect(code).toBe(0);
      expect(worker.output()).toContain('payment worker stopped');
    } finally {
      if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
      await connection.close();
      await inference.close();
      await gateway.close();
    }
  });

  it('refuses to start with a wrong setting, naming the variable', async () => {
    const worker = startWorker({ TEMPORAL_ADDRESS: 'no-port-here', ORCHESTRATOR_INFERENCE_SERVICE_URL: 'not a url' });
    const [code] = await worker.exit;
    expect(code).not.toBe(0);
    expect(worker.output()).toMatch(/TEMPORAL_ADDRESS: must be host:port/);
    expect(worker.output()).toMatch(/ORCHESTRATOR_INFERENCE_SERVICE_URL/);
  });
});
