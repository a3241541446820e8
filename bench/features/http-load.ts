import autocannon from 'autocannon';

export interface LoadResult {
  requests: number;
  errors: number;
  rps: number;
  /** Milliseconds. */
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/**
 * A fixed request rate for a bounded time with autocannon, on loopback. Latencies are taken from
 * autocannon's per-response timings (float milliseconds), because its own histogram rounds to
 * whole milliseconds and the targets here are below one.
 */
export async function runLoad({ url, rate, seconds, connections, body }: {
  url: string;
  rate: number;
  seconds: number;
  connections: number;
  body: () => string;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}/get-online-features`,
        connections,
        overallRate: rate,
        duration: seconds,
        requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (request) => ({ ...request, body: body() }) }],
      },
      (error: Error | null, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode === 200) latencies.push(responseTime);
      else errors++;
    });
  });
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return {
    requests: latencies.length + errors,
    errors: errors + result.errors + result.timeouts,
    rps: (latencies.length + errors) / seconds,
    p50: at(0.5),
    p99: at(0.99),
    p999: at(0.999),
    max: latencies.at(-1) ?? Number.NaN,
  };
}
