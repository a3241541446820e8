import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FileInfo } from '@payments-mlops/contracts';
import type { ArtifactStore, PutOptions, StoredArtifact } from './artifact-store.js';
import { MeasuredStream } from './measured-stream.js';

/** Uploads land here first, inside the root so that the final rename stays on one filesystem. */
const STAGING_DIR = '.uploads';

/**
 * Artifacts as files under a root directory, the default when no S3 endpoint is configured.
 * An upload streams to a staging file, is flushed to disk, then renamed into place: readers see
 * the old file or the whole new one, never a part.
 */
export function localArtifactStore(root: string): ArtifactStore {
  const absolute = (relative: string) => path.join(root, ...relative.split('/').filter(Boolean));

  return {
    kind: 'local',

    async put(relative: string, body: Readable, { maxBytes }: PutOptions): Promise<StoredArtifact> {
      const staging = path.join(root, STAGING_DIR);
      await mkdir(staging, { recursive: true });
      const temporary = path.join(staging, randomUUID());
      const measured = new MeasuredStream(maxBytes);
      try {
        await pipeline(body, measured, createWriteStream(temporary, { flags: 'wx' }));
        const handle = await open(temporary, 'r+');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
        const target = absolute(relative);
        await mkdir(path.dirname(target), { recursive: true });
        await rename(temporary, target);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      return measured.digest.result();
    },

    async get(relative: string) {
      const file = absolute(relative);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) return undefined;
      return { body: createReadStream(file), size: info.size };
    },

    async list(relative: string): Promise<FileInfo[]> {
      const directory = absolute(relative);
      const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
      const files: FileInfo[] = [];
      for (const entry of entries) {
        if (relative === '' && entry.name === STAGING_DIR) continue;
        if (entry.isDirectory()) files.push({ path: entry.name, is_dir: true });
        else if (entry.isFile()) files.push({ path: entry.name, is_dir: false, file_size: (await stat(path.join(directory, entry.name))).size });
      }
      return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },

    async delete(relative: string): Promise<void> {
      if (relative === '') {
        const entries = await readdir(root).catch(() => []);
        await Promise.all(entries.filter((name) => name !== STAGING_DIR).map((name) => rm(path.join(root, name), { recursive: true, force: true })));
        return;
      }
      await rm(absolute(relative), { recursive: true, force: true });
    },

    async check(): Promise<void> {
      await mkdir(root, { recursive: true });
      await access(root);
    },
  };
}
