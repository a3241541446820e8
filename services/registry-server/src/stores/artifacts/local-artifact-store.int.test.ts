import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'vitest';
import { artifactStoreContract } from './artifact-store.contract.js';
import { localArtifactStore } from './local-artifact-store.js';

describe('local artifact store', () => {
  for (const [behaviour, check] of Object.entries(artifactStoreContract)) {
    test(behaviour, async () => {
      const root = await mkdtemp(path.join(tmpdir(), 'artifact-store-'));
      try {
        await check(localArtifactStore(root));
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    });
  }
});
