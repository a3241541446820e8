export { PaymentSimulation } from './simulation.js';
export type { FraudPattern, SimulatedRecord } from './context.js';
export {
  DEFAULT_DRIFT_MAGNITUDE,
  DRIFT_KINDS,
  Drift,
  DriftSchedule,
  parseDrift,
  SimulationOptions,
  type DriftKind,
  type ResolvedSimulationOptions,
} from './params.js';
export { Random, AliasTable } from './random.js';
