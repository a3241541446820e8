import { spawn } from 'node:child_process';
import { once } from 'node:events';
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
