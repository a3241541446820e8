import { describe, expect, it } from 'vitest';
import { decidePromotion } from './gates.js';

const gates = { min_improvement: 0.002, max_calibration_worsening: 0.005, max_parity_error: 1e-5, max_latency_p99_ms: 2 };
const healthy = { parityError: 1e-7, latencyP99Ms: 0.1 };

describe('decidePromotion', () => {
  it('does not promote a model worse than the champion on the primary metric', () => {
    const decision = decidePromotion({ ...healthy, candidate: { primary: 0.80, calibration: 0.01 }, champion: { primary: 0.81, calibration: 0.01 } }, gates);
    expect(decision.promote).toBe(false);
    expect(decision.checks.find((check) => check.gate === 'beats_champion')?.passed).toBe(false);
  });

  it('does not promote a model better by less than the margin', () => {
    expect(decidePromotion({ ...healthy, candidate: { primary: 0.8015, calibration: 0.01 }, champion: { primary: 0.8, calibration: 0.01 } }, gates).promote).toBe(false);
  });

  it('promotes a model better by the margin with calibration no worse', () => {
    expect(decidePromotion({ ...healthy, candidate: { primary: 0.803, calibration: 0.012 }, champion: { primary: 0.8, calibration: 0.01 } }, gates).promote).toBe(true);
  });

  it('does not promote a better model whose calibration got worse beyond the tolerance', () => {
    const decision = decidePromotion({ ...healthy, candidate: { primary: 0.9, calibration: 0.02 }, champion: { primary: 0.8, calibration: 0.01 } }, gates);
    expect(decision.promote).toBe(false);
    expect(decision.checks.find((check) => check.gate === 'calibration_not_worse')?.passed).toBe(false);
  });

  it('does not promote when ONNX disagrees with the model or is too slow, champion or not', () => {
    expect(decidePromotion({ candidate: { primary: 0.9, calibration: 0 }, parityError: 1e-3, latencyP99Ms: 0.1 }, gates).promote).toBe(false);
    expect(decidePromotion({ candidate: { primary: 0.9, calibration: 0 }, parityError: 0, latencyP99Ms: 5 }, gates).promote).toBe(false);
  });

  it('promotes the first model when parity and latency pass', () => {
    expect(decidePromotion({ ...healthy, candidate: { primary: 0.5, calibration: 0.1 } }, gates).promote).toBe(true);
  });

  it('never promotes a model whose primary metric could not be computed', () => {
    expect(decidePromotion({ ...healthy, candidate: { primary: Number.NaN, calibration: 0 } }, gates).promote).toBe(false);
  });
});
