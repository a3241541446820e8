export * from './contract-inference-server.js';
