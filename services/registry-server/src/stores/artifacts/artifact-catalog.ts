import type { Readable } from 'node:stream';
import type { FileInfo } from '@payments-mlops/contracts';
import type { Db } from '../postgres/db.js';
import type { ArtifactStore, StoredArtifact } from './artifact-store.js';

export interface ArtifactRecord extends StoredArtifact {
  contentType: string | undefined;
  uploadedAt: number;
}

/**
 * The artifact proxy's store plus its record in Postgres: the size and sha256 of every file,
 * written once the bytes are stored. The bytes come first so that a record never names a file
 * that is not there; a file whose recording failed is served without a digest.
 */
export class ArtifactCatalog {
  constructor(
    readonly store: ArtifactStore,
    private readonly db: Db,
    private readonly options: { maxBytes: number; now: () => number },
  ) {}

  get maxBytes(): number {
    return this.options.maxBytes;
  }

  async upload(path: string, body: Readable, contentType: string | undefined): Promise<ArtifactRecord> {
    const stored = await this.store.put(path, body, { maxBytes: this.options.maxBytes, ...(contentType ? { contentType } : {}) });
    const uploadedAt = this.options.now();
    await this.db.query(
      `INSERT INTO artifact_files (path, size, sha256, content_type, uploaded_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (path) DO UPDATE SET size = excluded.size, sha256 = excluded.sha256, content_type = excluded.content_type, uploaded_at = excluded.uploaded_at`,
      [path, stored.size, stored.sha256, contentType ?? null, uploadedAt],
    );
    return { ...stored, contentType, uploadedAt };
  }

  async download(path: string): Promise<{ body: Readable; size: number; sha256: string | undefined } | undefined> {
    const file = await this.store.get(path);
    if (file === undefined) return undefined;
    const { rows } = await this.db.query<{ sha256: string }>('SELECT sha256 FROM artifact_files WHERE path = $1', [path]);
    return { ...file, sha256: rows[0]?.sha256 };
  }

  async record(path: string): Promise<ArtifactRecord | undefined> {
    const { rows } = await this.db.query<{ size: string; sha256: string; content_type: string | null; uploaded_at: string }>(
      'SELECT size::text AS size, sha256, content_type, uploaded_at::text AS uploaded_at FROM artifact_files WHERE path = $1',
      [path],
    );
    const [row] = rows;
    if (row === undefined) return undefined;
    return { size: Number(row.size), sha256: row.sha256, contentType: row.content_type ?? undefined, uploadedAt: Number(row.uploaded_at) };
  }

  list(path: string): Promise<FileInfo[]> {
    return this.store.list(path);
  }

  async delete(path: string): Promise<void> {
    await this.store.delete(path);
    if (path === '') await this.db.query('DELETE FROM artifact_files');
    else await this.db.query("DELETE FROM artifact_files WHERE path = $1 OR starts_with(path, $1 || '/')", [path]);
  }
}
