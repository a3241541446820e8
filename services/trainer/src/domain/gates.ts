import type { ModelConfig } from '../pipelines/model-config.js';

/** What a gate compares: on the same test set, higher primary is better, lower calibration error is. */
export interface GateScores {
  primary: number;
  /** Binary: expected calibration error; multiclass: log-loss. */
  calibration: number;
}

export interface GateInput {
  candidate: GateScores;
  /** The current champion on the same test set; absent when there is none yet. */
  champion?: GateScores;
  parityError: number;
  /** p99 of onnxruntime's CPU time per one-row call. */
  latencyP99Ms: number;
}

export interface GateDecision {
  promote: boolean;
  /** One line per gate, passed or not, for the job log and the run's tags. */
  checks: { gate: string; passed: boolean; detail: string }[];
}

const fmt = (value: number): string => (Number.isFinite(value) ? value.toFixed(5) : String(value));

/**
 * Whether a candidate may become champion: better than the champion by the configured margin on
 * the primary metric, calibration not worse beyond the tolerance, ONNX parity and latency within
 * bounds. Without a champion only parity and latency (and a finite primary metric) decide.
 */
export function decidePromotion(input: GateInput, gates: ModelConfig['gates']): GateDecision {
  const { candidate, champion } = input;
  const checks: GateDecision['checks'] = [];
  checks.push({ gate: 'primary_metric_finite', passed: Number.isFinite(candidate.primary), detail: `candidate ${fmt(candidate.primary)}` });
  if (champion !== undefined) {
    const needed = champion.primary + gates.min_improvement;
    checks.push({
      gate: 'beats_champion',
      passed: candidate.primary >= needed,
      detail: `candidate ${fmt(candidate.primary)} vs champion ${fmt(champion.primary)} + margin ${gates.min_improvement}`,
    });
    checks.push({
      gate: 'calibration_not_worse',
      passed: candidate.calibration <= champion.calibration + gates.max_calibration_worsening,
      detail: `candidate ${fmt(candidate.calibration)} vs champion ${fmt(champion.calibration)} + tolerance ${gates.max_calibration_worsening}`,
    });
  }
  checks.push({ gate: 'onnx_parity', passed: input.parityError <= gates.max_parity_error, detail: `max |onnx − model| ${input.parityError.toExponential(2)} ≤ ${gates.max_parity_error}` });
  checks.push({
    gate: 'latency',
    passed: input.latencyP99Ms <= gates.max_latency_p99_ms,
    detail: `p99 ${input.latencyP99Ms.toFixed(3)} ms of CPU per one-row call ≤ ${gates.max_latency_p99_ms} ms`,
  });
  return { promote: checks.every((check) => check.passed), checks };
}
