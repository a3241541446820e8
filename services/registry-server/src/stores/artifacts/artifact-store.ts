import type { Readable } from 'node:stream';
import type { FileInfo } from '@payments-mlops/contracts';

/*
 * Where artifact bytes live. Two implementations, S3 and the local filesystem, behind this one
 * interface and one contract test suite. Paths are relative and already validated
 * (`parseArtifactPath`); '' is the root.
 */

export interface StoredArtifact {
  size: number;
  /** Hex sha256 of the bytes, computed while they streamed through. */
  sha256: string;
}

export interface PutOptions {
  /** The upload fails with INVALID_PARAMETER_VALUE once more bytes than this arrive. */
  maxBytes: number;
  contentType?: string;
}

export interface ArtifactStore {
  readonly kind: 's3' | 'local';
  /** Streams `body` to `path`. Nothing is visible at `path` until every byte arrived; a failed or
   * interrupted upload leaves nothing behind, and an earlier file at `path` stays as it was. */
  put(path: string, body: Readable, options: PutOptions): Promise<StoredArtifact>;
  /** The file's bytes as a stream, or undefined when there is no file at `path`. */
  get(path: string): Promise<{ body: Readable; size: number } | undefined>;
  /** Direct children of the directory `path`, named by basename; empty when there is none. */
  list(path: string): Promise<FileInfo[]>;
  /** Deletes the file at `path`, or everything under the directory `path`. */
  delete(path: string): Promise<void>;
  /** Throws when the store cannot be reached (readiness). */
  check(): Promise<void>;
}
