import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { MlflowError } from '@payments-mlops/contracts';

export function artifactTooLarge(maxBytes: number): MlflowError {
  return MlflowError.invalidParameter(`Artifact size is too large. Max size is ${maxBytes} bytes.`);
}

/** Counts and hashes bytes as they pass; throws once more than `maxBytes` have arrived. */
export class ByteDigest {
  private readonly hash = createHash('sha256');
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  update(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) throw artifactTooLarge(this.maxBytes);
    this.hash.update(chunk);
  }

  /** Size and hex sha256 of everything seen so far. */
  result(): { size: number; sha256: string } {
    return { size: this.bytes, sha256: this.hash.copy().digest('hex') };
  }
}

/** A pass-through stream that measures what flows through it (see ByteDigest). */
export class MeasuredStream extends Transform {
  readonly digest: ByteDigest;

  constructor(maxBytes: number) {
    super();
    this.digest = new ByteDigest(maxBytes);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.digest.update(chunk);
    } catch (error) {
      callback(error as Error);
      return;
    }
    callback(null, chunk);
  }
}
