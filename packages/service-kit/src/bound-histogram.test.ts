import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { bindHistogram } from './bound-histogram.js';
import { LATENCY_BUCKETS_SECONDS } from './metrics.js';

function histogram(registry: Registry) {
  return new Histogram({
    name: 'test_duration_seconds',
    help: 'A test histogram.',
    labelNames: ['endpoint', 'model_version'],
    buckets: [...LATENCY_BUCKETS_SECONDS],
    registers: [registry],
  });
}

// Values on and between bucket bounds, and past the last one (+Inf only).
const VALUES = [0.00005, 0.0001, 0.0003, 0.0003, 0.002, 0.7, 2.5, 3, 40];

describe('bindHistogram', () => {
  it('exposes exactly what observe() with the same labels exposes', async () => {
    const plainRegistry = new Registry();
    const boundRegistry = new Registry();
    const plain = histogram(plainRegistry);
    const bound = histogram(boundRegistry);
    const fraud = bindHistogram(bound, { endpoint: '/fraud/score', model_version: '3' });
    const churn = bindHistogram(bound, { endpoint: '/churn/predict', model_version: '1' });
    for (const value of VALUES) {
      plain.observe({ endpoint: '/fraud/score', model_version: '3' }, value);
      fraud.observe(value);
    }
    plain.observe({ endpoint: '/churn/predict', model_version: '1' }, 0.004);
    churn.observe(0.004);
    const text = await boundRegistry.metrics();
    expect(text).toBe(await plainRegistry.metrics());
    expect(text).toContain(
      'test_duration_seconds_bucket{le="0.0005",endpoint="/fraud/score",model_version="3"} 4\n',
    );
    expect(text).toContain(
      'test_duration_seconds_count{endpoint="/fraud/score",model_version="3"} 9\n',
    );
  });

  it('counts again from zero after the histogram is reset, and shares the label set with observe()', async () => {
    const registry = new Registry();
    const metric = histogram(registry);
    // The label set already exists when it is bound.
    metric.observe({ endpoint: '/fraud/score', model_version: '3' }, 0.001);
    const fraud = bindHistogram(metric, { endpoint: '/fraud/score', model_version: '3' });
    fraud.observe(0.001);
    fraud.observe(0.001);
    metric.reset();
    fraud.observe(0.25);
    metric.observe({ endpoint: '/fraud/score', model_version: '3' }, 0.5);
    fraud.observe(0.25);
    const text = await registry.metrics();
    expect(text).toContain(
      'test_duration_seconds_count{endpoint="/fraud/score",model_version="3"} 3\n',
    );
    expect(text).toContain(
      'test_duration_seconds_sum{endpoint="/fraud/score",model_version="3"} 1\n',
    );
  });

  it('refuses a value that is not a finite number, as observe() does', () => {
    const fraud = bindHistogram(histogram(new Registry()), {
      endpoint: '/fraud/score',
      model_version: '3',
    });
    fraud.observe(0.001);
    expect(() => fraud.observe(Number.NaN)).toThrow(TypeError);
  });
});
