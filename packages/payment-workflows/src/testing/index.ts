export * from './scripted-gateway-server.js';
