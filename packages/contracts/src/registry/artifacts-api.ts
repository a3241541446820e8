import { z } from 'zod';
import { FileInfo } from './entities.js';

/* The artifact proxy (`mlflow_artifacts.proto`): bytes stream through the registry to its store. */

export const ListProxiedArtifactsRequest = z
  .object({ path: z.string().optional().describe('Relative to the artifact root; the root when absent.') })
  .meta({ id: 'ListProxiedArtifactsRequest' });
export type ListProxiedArtifactsRequest = z.infer<typeof ListProxiedArtifactsRequest>;

export const ListProxiedArtifactsResponse = z
  .object({ files: z.array(FileInfo).optional().describe('Direct children of the path, named by basename.') })
  .meta({ id: 'ListProxiedArtifactsResponse' });
export type ListProxiedArtifactsResponse = z.infer<typeof ListProxiedArtifactsResponse>;

/** Response header carrying the hex sha256 of a stored artifact, recorded when it was uploaded. */
export const ARTIFACT_SHA256_HEADER = 'x-artifact-sha256';
