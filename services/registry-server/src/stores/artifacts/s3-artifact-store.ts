import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { FileInfo } from '@payments-mlops/contracts';
import type { ArtifactStore, PutOptions, StoredArtifact } from './artifact-store.js';
import { ByteDigest } from './measured-stream.js';

/** Bytes held in memory per upload: S3's parts must be at least 5 MiB (but the last). */
const PART_SIZE = 8 * 1024 * 1024;

export interface S3Location {
  bucket: string;
  /** Key prefix under which the artifact root lives; '' for the bucket's root. */
  prefix: string;
}

/**
 * Artifacts as S3 objects (MinIO locally). An upload streams through in 8 MiB parts of a multipart
 * upload, which S3 makes visible only on completion and which is aborted when the body fails; a
 * body smaller than one part is one PutObject. Either way an interrupted upload leaves no object,
 * and no orphaned parts, behind.
 */
export function s3ArtifactStore(client: S3Client, { bucket, prefix }: S3Location): ArtifactStore {
  const base = prefix.replace(/^\/+|\/+$/g, '');
  const keyOf = (relative: string) => [base, relative].filter(Boolean).join('/');
  const directoryPrefix = (relative: string) => {
    const key = keyOf(relative);
    return key === '' ? '' : `${key}/`;
  };

  async function* keysUnder(keyPrefix: string): AsyncGenerator<string> {
    let continuationToken: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: keyPrefix, ContinuationToken: continuationToken }));
      for (const object of page.Contents ?? []) if (object.Key !== undefined) yield object.Key;
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken !== undefined);
  }

  return {
    kind: 's3',

    async put(relative: string, body: Readable, { maxBytes, contentType }: PutOptions): Promise<StoredArtifact> {
      const key = keyOf(relative);
      const digest = new ByteDigest(maxBytes);
      const target = { Bucket: bucket, Key: key, ...(contentType ? { ContentType: contentType } : {}) };
      let uploadId: string | undefined;
      const parts: { PartNumber: number; ETag: string | undefined }[] = [];
      let pending: Buffer[] = [];
      let pendingBytes = 0;

      const sendPart = async () => {
        uploadId ??= (await client.send(new CreateMultipartUploadCommand(target))).UploadId;
        const PartNumber = parts.length + 1;
        const { ETag } = await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber, Body: Buffer.concat(pending) }));
        parts.push({ PartNumber, ETag });
        pending = [];
        pendingBytes = 0;
      };

      try {
        for await (const chunk of body) {
          const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
          digest.update(bytes);
          pending.push(bytes);
          pendingBytes += bytes.length;
          if (pendingBytes >= PART_SIZE) await sendPart();
        }
        if (uploadId === undefined) {
          // Small enough for one request: the object appears whole or not at all.
          await client.send(new PutObjectCommand({ ...target, Body: Buffer.concat(pending) }));
        } else {
          if (pendingBytes > 0) await sendPart();
          await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
        }
      } catch (error) {
        if (uploadId !== undefined) {
          await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId })).catch(() => undefined);
        }
        throw error;
      }
      return digest.result();
    },

    async get(relative: string) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: keyOf(relative) }));
        if (!(object.Body instanceof Readable)) return undefined;
        return { body: object.Body, size: object.ContentLength ?? 0 };
      } catch (error) {
        if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
        throw error;
      }
    },

    async list(relative: string): Promise<FileInfo[]> {
      const keyPrefix = directoryPrefix(relative);
      const files: FileInfo[] = [];
      let continuationToken: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: keyPrefix, Delimiter: '/', ContinuationToken: continuationToken }),
        );
        for (const common of page.CommonPrefixes ?? []) {
          const name = common.Prefix?.slice(keyPrefix.length).replace(/\/$/, '');
          if (name) files.push({ path: name, is_dir: true });
        }
        for (const object of page.Contents ?? []) {
          const name = object.Key?.slice(keyPrefix.length);
          if (name) files.push({ path: name, is_dir: false, file_size: object.Size ?? 0 });
        }
        continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (continuationToken !== undefined);
      return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },

    async delete(relative: string): Promise<void> {
      const keys: string[] = [];
      if (relative !== '') keys.push(keyOf(relative));
      for await (const key of keysUnder(directoryPrefix(relative))) keys.push(key);
      for (let start = 0; start < keys.length; start += 1000) {
        const batch = keys.slice(start, start + 1000).map((Key) => ({ Key }));
        await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }));
      }
    },

    async check(): Promise<void> {
      await client.send(new HeadBucketCommand({ Bucket: bucket }));
    },
  };
}

/** Creates the bucket unless it exists (the registry's own bucket, at start-up). */
export async function ensureBucket(client: S3Client, bucket: string): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: unknown) => {
      const name = (error as { name?: string }).name;
      if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
    });
  }
}
