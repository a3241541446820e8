import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { MlflowError } from '@payments-mlops/contracts';

/** Passes bytes through while counting and hashing them; fails once `maxBytes` is exceeded. */
export class MeasuredStream extends Transform {
  private readonly hash = createHash('sha256');
  private bytes = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      callback(artifactTooLarge(this.maxBytes));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  /** Size and digest; valid once the stream has ended. */
  result(): { size: number; sha256: string } {
    return { size: this.bytes, sha256: this.hash.copy().digest('hex') };
  }
}

export function artifactTooLarge(maxBytes: number): MlflowError {
  return MlflowError.invalidParameter(`Artifact size is too large. Max size is ${maxBytes} bytes.`);
}
