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
export { seedWarehouse, type SeedWarehouseOptions, type SeedWarehouseResult } from './seed-warehouse.js';
export { streamToKafka, type StreamToKafkaOptions, type StreamToKafkaResult, type StreamTopics } from './kafka-stream.js';
export { inlineSource, workerSource, type RecordSource } from './record-source.js';
export type { RecordBatch } from './record-batches.js';
