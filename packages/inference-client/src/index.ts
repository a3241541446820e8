export * from './backoff.js';
export * from './circuit-breaker.js';
export * from './inference-error.js';
export * from './inference-client.js';
