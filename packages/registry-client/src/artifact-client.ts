import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ARTIFACT_SHA256_HEADER, ARTIFACTS_PATH, ListProxiedArtifactsResponse, MlflowError, type FileInfo } from '@payments-mlops/contracts';
import { errorFromResponse, type HttpTransport } from './http-transport.js';

export interface DownloadedArtifact {
  body: Readable;
  size: number | undefined;
  /** Hex sha256 the registry recorded at upload, when it has one. */
  sha256: string | undefined;
}

/** Encodes each segment of a relative artifact path for a URL, keeping the slashes. */
function encodePath(artifactPath: string): string {
  return artifactPath.split('/').map(encodeURIComponent).join('/');
}

/**
 * The artifact proxy: streams bytes to and from the registry's store without holding a file in
 * memory. Paths are relative to the proxy's root, e.g. `1/<run id>/artifacts/model/model.onnx`;
 * `runArtifactPath` turns a run's `mlflow-artifacts:` URI into that form.
 */
export class ArtifactClient {
  constructor(
    private readonly transport: HttpTransport,
    private readonly fetch: typeof globalThis.fetch = globalThis.fetch,
  ) {}

  private url(artifactPath: string): string {
    return `${this.transport.baseUrl}${ARTIFACTS_PATH}/${encodePath(artifactPath)}`;
  }

  /** Uploads a stream, buffer or string; returns when the registry has stored every byte. */
  async upload(artifactPath: string, body: Readable | Buffer | string, contentType = 'application/octet-stream', signal?: AbortSignal): Promise<void> {
    const response = await this.fetch(this.url(artifactPath), {
      method: 'PUT',
      headers: this.transport.headers({ 'content-type': contentType }),
      body: body instanceof Readable ? (Readable.toWeb(body) as ReadableStream) : body,
      // Node's fetch streams a request body only in half-duplex mode.
      duplex: 'half',
      ...(signal ? { signal } : {}),
    });
    if (!response.ok) throw await errorFromResponse(response);
    await response.body?.cancel();
  }

  async uploadFile(localFile: string, artifactPath: string, contentType?: string): Promise<void> {
    await this.upload(artifactPath, createReadStream(localFile), contentType);
  }

  /** Uploads every file under `localDir` to `artifactPath/<relative path>`. */
  async uploadDirectory(localDir: string, artifactPath: string): Promise<string[]> {
    const uploaded: string[] = [];
    for (const entry of await readdir(localDir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const relative = path.relative(localDir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/');
      const target = [artifactPath, relative].filter(Boolean).join('/');
      await this.uploadFile(path.join(entry.parentPath, entry.name), target);
      uploaded.push(target);
    }
    return uploaded;
  }

  async download(artifactPath: string, signal?: AbortSignal): Promise<DownloadedArtifact> {
    const response = await this.fetch(this.url(artifactPath), { headers: this.transport.headers(), ...(signal ? { signal } : {}) });
    if (!response.ok || response.body === null) throw await errorFromResponse(response);
    const length = response.headers.get('content-length');
    return {
      body: Readable.fromWeb(response.body),
      size: length === null ? undefined : Number(length),
      sha256: response.headers.get(ARTIFACT_SHA256_HEADER) ?? undefined,
    };
  }

  /** Downloads to `localFile` through a temporary file, so a failed download leaves nothing behind. */
  async downloadToFile(artifactPath: string, localFile: string): Promise<DownloadedArtifact['sha256']> {
    const { body, sha256 } = await this.download(artifactPath);
    await mkdir(path.dirname(localFile), { recursive: true });
    const partial = `${localFile}.partial`;
    try {
      await pipeline(body, createWriteStream(partial));
      await rename(partial, localFile);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return sha256;
  }

  /** Downloads a directory tree (or one file) under `artifactPath` into `localDir`. */
  async downloadTree(artifactPath: string, localDir: string): Promise<string[]> {
    const files = await this.list(artifactPath);
    if (files.length === 0) {
      const target = path.join(localDir, artifactPath.slice(artifactPath.lastIndexOf('/') + 1));
      await this.downloadToFile(artifactPath, target);
      return [target];
    }
    const written: string[] = [];
    for (const file of files) {
      const child = `${artifactPath}/${file.path}`;
      if (file.is_dir) written.push(...(await this.downloadTree(child, path.join(localDir, file.path))));
      else {
        const target = path.join(localDir, file.path);
        await this.downloadToFile(child, target);
        written.push(target);
      }
    }
    return written;
  }

  /** Direct children of `artifactPath`, named by basename; empty for a file or a missing path. */
  async list(artifactPath = ''): Promise<FileInfo[]> {
    const url = new URL(`${this.transport.baseUrl}${ARTIFACTS_PATH}`);
    if (artifactPath !== '') url.searchParams.set('path', artifactPath);
    const response = await this.fetch(url, { headers: this.transport.headers() });
    if (!response.ok) throw await errorFromResponse(response);
    return ListProxiedArtifactsResponse.parse(await response.json()).files ?? [];
  }

  async delete(artifactPath: string): Promise<void> {
    const response = await this.fetch(this.url(artifactPath), { method: 'DELETE', headers: this.transport.headers() });
    if (!response.ok) throw await errorFromResponse(response);
    await response.body?.cancel();
  }
}

/** `mlflow-artifacts:/1/abc/artifacts` + `model/x.onnx` → `1/abc/artifacts/model/x.onnx`. */
export function runArtifactPath(artifactUri: string, relative = ''): string {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(artifactUri);
  if (!match) throw new MlflowError('INVALID_PARAMETER_VALUE', `'${artifactUri}' is not an artifact URI this registry proxies (mlflow-artifacts:/...)`);
  return [(match[1] ?? '').replace(/\/+$/, ''), relative.replace(/^\/+/, '')].filter(Boolean).join('/');
}
