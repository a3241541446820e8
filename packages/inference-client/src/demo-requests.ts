import { INFERENCE_EXAMPLES, INFERENCE_ROUTES, type InferenceRouteName } from '@payments-mlops/contracts';
import { z } from 'zod';
import { InferenceClient } from './inference-client.js';
import { InferenceError } from './inference-error.js';

// `make demo-requests`: sends each endpoint's published example to ml-serving and prints the answer.
const baseUrl = z
  .url({ error: 'ORCHESTRATOR_INFERENCE_SERVICE_URL must be a URL' })
  .default('http://127.0.0.1:8002')
  .parse(process.env.ORCHESTRATOR_INFERENCE_SERVICE_URL || undefined);
const client = new InferenceClient({ baseUrl, timeoutMs: 5_000, retry: { maxAttempts: 3, initialDelayMs: 200 }, circuitBreaker: false });

function summary(operation: InferenceRouteName, answer: Record<string, unknown>): string {
  switch (operation) {
    case 'fraudScore':
      return `fraud_score=${String(answer.fraud_score)} decision=${String(answer.decision)}`;
    case 'retryStrategy':
      return `strategy=${String(answer.strategy)} retry_at=${String(answer.retry_at)}`;
    case 'churnPredict':
      return `churn_score=${String(answer.churn_score)} risk_level=${String(answer.risk_level)}`;
    case 'recoveryRecommend':
      return `action=${String(answer.action)} expected_value_cents=${String(answer.expected_value_cents)}`;
  }
}

let failures = 0;
for (const operation of Object.keys(INFERENCE_ROUTES) as InferenceRouteName[]) {
  const route = INFERENCE_ROUTES[operation];
  try {
    const started = performance.now();
    const answer = (await client.call(operation, INFERENCE_EXAMPLES[operation].request, { requestId: `demo-${operation}` })) as Record<string, unknown>;
    const model = answer.model as { name: string; version: string; alias: string };
    console.log(`POST ${route.path}  ${summary(operation, answer)}  model=${model.name}@${model.version} (${model.alias})  ${(performance.now() - started).toFixed(1)} ms`);
    console.log(`  ${JSON.stringify(answer)}`);
  } catch (error) {
    failures += 1;
    console.log(`POST ${route.path}  FAILED: ${error instanceof InferenceError ? `${error.kind} ${error.message}` : String(error)}`);
  }
}
console.log(`${baseUrl}: ${4 - failures} of 4 endpoints answered`);
process.exitCode = failures === 0 ? 0 : 1;
