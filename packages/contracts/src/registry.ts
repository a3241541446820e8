/**
 * The registry's contracts: MLflow's tracking and model registry API as zod schemas (wire format,
 * entities, requests, responses, errors), the operations table routes and clients are built from,
 * and the lineage extension.
 */
export * from './registry/wire.js';
export * from './registry/errors.js';
export * from './registry/entities.js';
export * from './registry/tracking-api.js';
export * from './registry/model-registry-api.js';
export * from './registry/artifacts-api.js';
export * from './registry/lineage.js';
export * from './registry/limits.js';
export * from './registry/operations.js';
export * from './registry/routes.js';
