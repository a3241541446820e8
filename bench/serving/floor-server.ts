import { createRequire } from 'node:module';
import { INFERENCE_EXAMPLES } from '@payments-mlops/contracts';

/**
 * The floor under ml-serving's latency on this machine: a bare node:http server that does what
 * any model server with an online store must do per request and nothing else: parse the JSON
 * body, read one stored feature row from Redis (a random one of the first 10,000 string keys under
 * `keyPrefix`), and answer a /fraud/score-sized JSON answer. No framework, no model, no log.
 * Driven by the same wrk at the same rate in the same rounds, it shows how much of a p99 is the
 * machine's (two cores shared with the load generator, Redis and Kafka) and how much is ours.
 *
 * It serves /readyz and, for cpu-per-request's readings, /metrics with the event-loop lag as
 * prom-client's default metrics report it (10 ms resolution, reset at each scrape).
 *
 * Returns the arguments to start it with `node` (plain JavaScript: no loader to pay for).
 */
export function floorServerCommand({ redisUrl, keyPrefix }: { redisUrl: string; keyPrefix: string }): string[] {
  const ioredis = createRequire(import.meta.url).resolve('ioredis');
  const answer = JSON.stringify(INFERENCE_EXAMPLES.fraudScore.response);
  const source = `
const { Redis } = require(${JSON.stringify(ioredis)});
const { monitorEventLoopDelay } = require('node:perf_hooks');
const http = require('node:http');
const redis = new Redis(${JSON.stringify(redisUrl)}, { enableOfflineQueue: false });
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
const answer = ${JSON.stringify(answer)};
const keys = [];
let requests = 0;
http.createServer((request, response) => {
  if (request.method === 'GET') {
    if (request.url === '/metrics') {
      const text = 'nodejs_eventloop_lag_p99_seconds ' + lag.percentile(99) / 1e9 + '\\nnodejs_eventloop_lag_max_seconds ' + lag.max / 1e9 + '\\n';
      lag.reset();
      response.end(text);
      return;
    }
    response.statusCode = keys.length > 0 ? 200 : 503;
    response.end();
    return;
  }
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (chunk) => (body += chunk));
  request.on('end', () => {
    const parsed = JSON.parse(body);
    redis.getBuffer(keys[Math.floor(Math.random() * keys.length)]).then((row) => {
      response.setHeader('content-type', 'application/json; charset=utf-8');
      response.end(answer.slice(0, -1) + ',"request_id":"' + ++requests + '","row_bytes":' + (row === null ? 0 : row.length) + ',"fields":' + Object.keys(parsed).length + '}');
    });
  });
}).listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
redis.once('ready', async () => {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', ${JSON.stringify(`${keyPrefix}*`)}, 'COUNT', 1000);
    cursor = next;
    const types = await Promise.all(found.map((key) => redis.type(key)));
    keys.push(...found.filter((_, i) => types[i] === 'string'));
  } while (cursor !== '0' && keys.length < 10000);
  if (keys.length === 0) throw new Error('no stored feature rows under ${keyPrefix}');
});
`;
  return ['-e', source];
}
