import { ConfigError, loadConfig } from '@payments-mlops/service-kit';
import { describe, expect, it } from 'vitest';
import { MlServingConfig } from './config.js';

describe('ml-serving config', () => {
  it('runs locally on defaults: port 8002, no challenger traffic, no shadow', () => {
    const config = loadConfig(MlServingConfig, {});
    expect(config.PORT).toBe(8002);
    expect(config.SERVING_CHALLENGER_WEIGHTS).toEqual({ fraud: 0, churn: 0, retry: 0, recovery: 0 });
    expect(config.SERVING_SHADOW_TASKS.size).toBe(0);
  });

  it('reads per-task weights, shadow tasks and action costs', () => {
    const config = loadConfig(MlServingConfig, { SERVING_CHALLENGER_WEIGHTS: 'fraud=0.1, retry=0.5', SERVING_SHADOW_TASKS: 'churn', RECOVERY_ACTION_COSTS_CENTS: 'reminder_email=3' });
    expect(config.SERVING_CHALLENGER_WEIGHTS).toMatchObject({ fraud: 0.1, retry: 0.5, churn: 0 });
    expect([...config.SERVING_SHADOW_TASKS]).toEqual(['churn']);
    expect(config.RECOVERY_ACTION_COSTS_CENTS).toEqual({ reminder_email: 3 });
  });

  it('batches the prediction log by 200 ms or 64 KiB by default, takes other bounds and refuses an empty batch', () => {
    expect(loadConfig(MlServingConfig, {})).toMatchObject({ SERVING_PREDICTION_LOG_LINGER_MS: 200, SERVING_PREDICTION_LOG_BATCH_KB: 64 });
    expect(loadConfig(MlServingConfig, { SERVING_PREDICTION_LOG_LINGER_MS: '1000', SERVING_PREDICTION_LOG_BATCH_KB: '256' })).toMatchObject({ SERVING_PREDICTION_LOG_LINGER_MS: 1_000, SERVING_PREDICTION_LOG_BATCH_KB: 256 });
    expect(() => loadConfig(MlServingConfig, { SERVING_PREDICTION_LOG_BATCH_KB: '0' })).toThrow(/SERVING_PREDICTION_LOG_BATCH_KB/);
  });

  it('lists every wrong variable at once', () => {
    let error: unknown;
    try {
      loadConfig(MlServingConfig, { SERVING_CHALLENGER_WEIGHTS: 'fraud=2', SERVING_SHADOW_TASKS: 'spam', FRAUD_REVIEW_THRESHOLD: '0.9', FRAUD_DECLINE_THRESHOLD: '0.5' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((problem) => problem.variable).sort()).toEqual(['SERVING_CHALLENGER_WEIGHTS', 'SERVING_SHADOW_TASKS']);
  });
});
