export * from './scripted-gateway-server.js';
export * from './workflow-worker.js';
export * from './service-process.js';
