import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { processCpuMs, type RunningServer } from './feature-server-process.js';

/**
 * The floor under any HTTP figure on this machine: a bare node:http server that reads the body and
 * answers, no framework, no Redis. Measured with the same load generator, rate and connections in
 * the same run, it shows what the machine itself costs. By default it answers a small JSON object;
 * given `answerFile`, it answers that file's bytes (a real answer, so that a large one costs the
 * kernel and the load generator what ours does).
 */
export async function startBareHttpServer(port: number, { answerFile }: { answerFile?: string } = {}): Promise<RunningServer> {
  const source = `const answer = process.env.BARE_ANSWER_FILE ? require('node:fs').readFileSync(process.env.BARE_ANSWER_FILE) : undefined;
  require('node:http').createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => { response.setHeader('content-type', 'application/json'); response.end(answer ?? JSON.stringify({ received: body.length })); });
  }).listen(${port}, '127.0.0.1', () => process.send?.('listening'));`;
  const child = spawn(process.execPath, ['-e', source], {
    env: { ...process.env, ...(answerFile === undefined ? {} : { BARE_ANSWER_FILE: answerFile }) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return listening(child, port);
}

/**
 * The floor under a read that goes to Redis: the bare node:http server above, plus one ioredis
 * MGET of a stored row per request (a random one of the first 10,000 keys matching `keyPattern`),
 * answering the row's length. Two processes woken per request instead of one, as for any server
 * that reads Redis: what is left above this is the server's own.
 */
export async function startBareRedisServer(port: number, { redisUrl, keyPattern }: { redisUrl: string; keyPattern: string }): Promise<RunningServer> {
  const ioredis = createRequire(import.meta.url).resolve('ioredis');
  const source = `const { Redis } = require(${JSON.stringify(ioredis)});
  const redis = new Redis(${JSON.stringify(redisUrl)}, { enableOfflineQueue: false });
  (async () => {
    await new Promise((resolve) => redis.once('ready', resolve));
    const keys = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', ${JSON.stringify(keyPattern)}, 'COUNT', 1000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0' && keys.length < 10000);
    if (keys.length === 0) throw new Error('no keys match ${keyPattern}');
    require('node:http').createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', async () => {
        const [row] = await redis.mgetBuffer([keys[Math.floor(Math.random() * keys.length)]]);
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ received: body.length, row: row === null ? 0 : row.length }));
      });
    }).listen(${port}, '127.0.0.1', () => process.send?.('listening'));
  })();`;
  const child = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return listening(child, port);
}

/** A floor server once it says it listens. */
async function listening(child: ChildProcess, port: number): Promise<RunningServer> {
  await once(child, 'message');
  return {
    url: `http://127.0.0.1:${port}`,
    cpuMs: (kind) => processCpuMs(child.pid, kind),
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
