export * from './scripted-gateway-server.js';
export * from './workflow-worker.js';
