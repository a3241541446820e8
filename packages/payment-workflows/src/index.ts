export * from './payment-types.js';
export * from './activities/inference-activities.js';
export * from './activities/payment-gateway.js';
export * from './worker.js';
