import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Redis } from 'ioredis';
import pg from 'pg';

/** Where the local services listen (the .env.example defaults), read as the services read them. */
export const INFRA = {
  warehouseDatabaseUrl: process.env.WAREHOUSE_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/payments',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0',
  s3: {
    endpoint: process.env.S3_ENDPOINT_URL ?? 'http://127.0.0.1:9000',
    region: process.env.S3_REGION ?? 'us-east-1',
    accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'minioadmin',
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'minioadmin',
  },
};

/**
 * The benchmark's own corner of the shared services: a Postgres schema, an S3 bucket and a Redis
 * key prefix, all named by `tag` and removed by `drop()`.
 */
export class BenchSandbox {
  readonly databaseUrl: string;
  readonly bucket: string;
  readonly keyPrefix: string;
  readonly redis = new Redis(INFRA.redisUrl);
  private readonly admin = new pg.Pool({ connectionString: INFRA.warehouseDatabaseUrl, max: 2 });
  private readonly s3 = new S3Client({ ...INFRA.s3, credentials: { accessKeyId: INFRA.s3.accessKeyId, secretAccessKey: INFRA.s3.secretAccessKey }, forcePathStyle: true });

  constructor(readonly tag: string) {
    const url = new URL(INFRA.warehouseDatabaseUrl);
    url.searchParams.set('options', `-c search_path=${tag}`);
    this.databaseUrl = url.toString();
    this.bucket = tag.replaceAll('_', '-');
    this.keyPrefix = `${tag}:`;
  }

  async create(): Promise<void> {
    await this.admin.query(`CREATE SCHEMA ${this.tag}`);
    await this.s3.send(new CreateBucketCommand({ Bucket: this.bucket }));
  }

  async drop(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.keyPrefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await this.redis.unlink(...keys);
    } while (cursor !== '0');
    this.redis.disconnect();
    await this.admin.query(`DROP SCHEMA IF EXISTS ${this.tag} CASCADE`).catch(() => undefined);
    await this.admin.end();
    await this.emptyBucket().catch(() => undefined);
    this.s3.destroy();
  }

  private async emptyBucket(): Promise<void> {
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, ContinuationToken: token }));
      const objects = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
      if (objects.length > 0) await this.s3.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: objects, Quiet: true } }));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    await this.s3.send(new DeleteBucketCommand({ Bucket: this.bucket }));
  }
}
