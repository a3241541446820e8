export { RegistryClient, registryClientFromEnv, type RegistryClientOptions } from './registry-client.js';
export { ArtifactClient, runArtifactPath, type DownloadedArtifact } from './artifact-client.js';
export { HttpTransport, errorFromResponse, type TransportOptions } from './http-transport.js';
