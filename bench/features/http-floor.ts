import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { processCpuMs, type RunningServer } from './feature-server-process.js';

/**
 * The floor under any HTTP figure on this machine: a bare node:http server that reads the body and
 * answers a small JSON object, no framework, no Redis. Measured with the same load generator, rate
 * and connections in the same run, it shows what the machine itself costs.
 */
export async function startBareHttpServer(port: number): Promise<RunningServer> {
  const source = `require('node:http').createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => { response.setHeader('content-type', 'application/json'); response.end(JSON.stringify({ received: body.length })); });
  }).listen(${port}, '127.0.0.1', () => process.send?.('listening'));`;
  const child = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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
