import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { expect } from 'vitest';
import type { ArtifactStore } from './artifact-store.js';

/*
 * The behaviour both artifact stores share, run by local-artifact-store.int.test.ts and
 * s3-artifact-store.int.test.ts against a fresh directory and a fresh bucket.
 */

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function readAll(store: ArtifactStore, path: string): Promise<Buffer | undefined> {
  const file = await store.get(path);
  if (file === undefined) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of file.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A stream that sends `megabytes` MiB and then fails, as a client that disconnects mid-upload
 * does. Nine MiB is past the S3 store's 8 MiB part size, so a multipart upload is under way.
 */
export function interrupted(megabytes: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent < megabytes) {
        sent += 1;
        this.push(randomBytes(1024 * 1024));
      } else {
        this.destroy(new Error('client went away'));
      }
    },
  });
}

export const artifactStoreContract: Record<string, (store: ArtifactStore) => Promise<void>> = {
  'stores bytes and reports their size and sha256': async (store) => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const stored = await store.put('1/run/artifacts/model/weights.bin', Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), { maxBytes: 10 * 1024 * 1024 });
    expect(stored).toEqual({ size: bytes.length, sha256: sha256(bytes) });
    const read = await readAll(store, '1/run/artifacts/model/weights.bin');
    expect(read && sha256(read)).toBe(sha256(bytes));
  },

  'lists the direct children of a directory, directories first-class': async (store) => {
    await store.put('exp/run/artifacts/notes.txt', Readable.from([Buffer.from('hello')]), { maxBytes: 100 });
    await store.put('exp/run/artifacts/model/MLmodel', Readable.from([Buffer.from('flavors: {}')]), { maxBytes: 100 });
    await store.put('exp/run/artifacts/model/data/w.bin', Readable.from([Buffer.from('x')]), { maxBytes: 100 });
    expect(await store.list('exp/run/artifacts')).toEqual([
      { path: 'model', is_dir: true },
      { path: 'notes.txt', is_dir: false, file_size: 5 },
    ]);
    expect(await store.list('exp/run/artifacts/model')).toEqual([
      { path: 'MLmodel', is_dir: false, file_size: 11 },
      { path: 'data', is_dir: true },
    ]);
    expect(await store.list('exp/nothing-here')).toEqual([]);
  },

  'replaces a file uploaded again at the same path': async (store) => {
    await store.put('a/b.txt', Readable.from([Buffer.from('first')]), { maxBytes: 100 });
    await store.put('a/b.txt', Readable.from([Buffer.from('second')]), { maxBytes: 100 });
    const file = await store.get('a/b.txt');
    expect(file && (await text(file.body))).toBe('second');
  },

  'leaves nothing behind when an upload is interrupted, and keeps the earlier file': async (store) => {
    await store.put('kept.bin', Readable.from([Buffer.from('complete')]), { maxBytes: 1024 * 1024 });
    await expect(store.put('kept.bin', interrupted(1), { maxBytes: 64 * 1024 * 1024 })).rejects.toThrow(/client went away/);
    await expect(store.put('partial.bin', interrupted(9), { maxBytes: 64 * 1024 * 1024 })).rejects.toThrow(/client went away/);
    expect(await store.get('partial.bin')).toBeUndefined();
    expect((await store.list('')).map((file) => file.path)).toEqual(['kept.bin']);
    expect((await readAll(store, 'kept.bin'))?.toString()).toBe('complete');
  },

  'refuses an upload past the size limit, leaving nothing behind': async (store) => {
    await expect(store.put('big.bin', Readable.from([randomBytes(600), randomBytes(600)]), { maxBytes: 1000 })).rejects.toMatchObject({
      errorCode: 'INVALID_PARAMETER_VALUE',
    });
    expect(await store.get('big.bin')).toBeUndefined();
  },

  'deletes a file, or a directory with everything under it': async (store) => {
    for (const path of ['d/x.txt', 'd/sub/y.txt', 'd2/z.txt']) await store.put(path, Readable.from([Buffer.from(path)]), { maxBytes: 100 });
    await store.delete('d/x.txt');
    expect((await store.list('d')).map((file) => file.path)).toEqual(['sub']);
    await store.delete('d');
    expect(await store.list('d')).toEqual([]);
    expect((await store.list('')).map((file) => file.path)).toEqual(['d2']);
  },

  'answers undefined for a missing file': async (store) => {
    expect(await store.get('no/such/file')).toBeUndefined();
  },
};
