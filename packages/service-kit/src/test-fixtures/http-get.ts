import { request } from 'node:http';

export interface HttpResult {
  statusCode: number;
  body: string;
}

/** One GET on a fresh connection (no agent, no pooling), so "refused" means the listener is gone. */
export function httpGet(port: number, path: string): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Resolves once connecting to the port is refused; fails if it still accepts after `withinMs`. */
export async function waitUntilRefused(port: number, withinMs = 2_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    try {
      await httpGet(port, '/healthz');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ECONNREFUSED') return;
      // A connection accepted just as the listener closed is reset; try again.
      if (code !== 'ECONNRESET') throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`port ${port} still accepts connections after ${withinMs} ms`);
}
