import { ConfigError, loadConfig } from '@payments-mlops/service-kit';
import { describe, expect, it } from 'vitest';
import { PaymentWorkerConfig } from './config.js';

describe('PaymentWorkerConfig', () => {
  it('runs locally with no variables set', () => {
    expect(loadConfig(PaymentWorkerConfig, {})).toMatchObject({
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_TASK_QUEUE: 'payments-mlops',
      ORCHESTRATOR_INFERENCE_SERVICE_URL: 'http://127.0.0.1:8002',
      INFERENCE_TIMEOUT_MS: 2_000,
    });
  });

  it('names every wrong variable at once', () => {
    const error = (() => {
      try {
        loadConfig(PaymentWorkerConfig, { TEMPORAL_ADDRESS: 'temporal', ORCHESTRATOR_INFERENCE_SERVICE_URL: 'not a url', INFERENCE_MAX_ATTEMPTS: '0' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual(['INFERENCE_MAX_ATTEMPTS', 'ORCHESTRATOR_INFERENCE_SERVICE_URL', 'TEMPORAL_ADDRESS']);
  });
});
