import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { createS3Client } from './s3.js';
import type { InfraSettings } from './settings.js';

export interface UnavailableService {
  service: 'redis' | 'postgres' | 'kafka' | 'minio';
  address: string;
  reason: string;
}

/**
 * Asks each local service for a real answer (PING, SELECT 1 in both databases, cluster metadata,
 * ListBuckets) and returns the ones that did not answer within `timeoutMs`, with the reason.
 */
export async function findUnavailableServices(
  settings: InfraSettings,
  timeoutMs = 5000,
): Promise<UnavailableService[]> {
  const checks: Array<[UnavailableService['service'], string, () => Promise<unknown>]> = [
    ['redis', settings.redisUrl, () => pingRedis(settings.redisUrl, timeoutMs)],
    ['postgres', settings.warehouseDatabaseUrl, () => selectOne(settings.warehouseDatabaseUrl, timeoutMs)],
    ['postgres', settings.registryDatabaseUrl, () => selectOne(settings.registryDatabaseUrl, timeoutMs)],
    ['kafka', settings.kafkaBrokers.join(','), () => describeKafkaCluster(settings.kafkaBrokers, timeoutMs)],
    ['minio', settings.s3.endpoint, () => listBuckets(settings, timeoutMs)],
  ];
  const results = await Promise.all(
    checks.map(async ([service, address, check]): Promise<UnavailableService | undefined> => {
      try {
        await withTimeout(check(), timeoutMs);
        return undefined;
      } catch (error) {
        return { service, address: redactPassword(address), reason: describeError(error) };
      }
    }),
  );
  return results.filter((result) => result !== undefined);
}

async function pingRedis(url: string, timeoutMs: number): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // connect() rejects with a bare "Connection is closed"; the socket's own error says why.
  let socketError: Error | undefined;
  client.on('error', (error: Error) => {
    socketError = error;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw socketError ?? error;
  } finally {
    client.disconnect();
  }
}

async function selectOne(connectionString: string, timeoutMs: number): Promise<void> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function describeKafkaCluster(brokers: string[], timeoutMs: number): Promise<void> {
  const kafka = new Kafka({
    clientId: 'payments-mlops-health',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0) throw new Error('metadata lists no brokers');
  } finally {
    await admin.disconnect();
  }
}

async function listBuckets(settings: InfraSettings, timeoutMs: number): Promise<void> {
  const client = createS3Client(settings.s3);
  try {
    await client.send(new ListBucketsCommand({}), { abortSignal: AbortSignal.timeout(timeoutMs) });
  } finally {
    client.destroy();
  }
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describeError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describeError(error.errors[0]);
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

function redactPassword(address: string): string {
  return address.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
