import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChargeRequest, ChargeResult } from '../payment-types.js';

type Scripted = { status: 'succeeded' } | { status: 'declined'; decline_code: string; decline_type?: 'soft' | 'hard' };

export interface ScriptedGatewayServer {
  url: string;
  /** Outcomes for the attempts of one payment (by original_payment_id), in attempt order; succeeded once they run out. */
  script(originalPaymentId: string, outcomes: Scripted[]): void;
  /** Every charge received, with the time it arrived. */
  charges: { request: ChargeRequest; receivedAt: number }[];
  close(): Promise<void>;
}

/**
 * The payments platform's gateway as a real HTTP server answering POST /charges from a script per
 * payment, idempotent on the Idempotency-Key header like the real one: a resent attempt gets the
 * first answer and is not recorded twice.
 */
export async function startScriptedGatewayServer(): Promise<ScriptedGatewayServer> {
  const scripts = new Map<string, Scripted[]>();
  const answered = new Map<string, ChargeResult>();
  const charges: ScriptedGatewayServer['charges'] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const reply = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      };
      if (request.method !== 'POST' || request.url !== '/charges') return reply(404, { message: 'not found' });
      const key = request.headers['idempotency-key'];
      if (typeof key !== 'string' || key === '') return reply(400, { message: 'Idempotency-Key header is required' });
      const previous = answered.get(key);
      if (previous) return reply(200, previous);
      const charge = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChargeRequest;
      charges.push({ request: charge, receivedAt: Date.now() });
      const scripted = scripts.get(charge.original_payment_id)?.[charge.attempt_number - 1] ?? { status: 'succeeded' };
      const result: ChargeResult =
        scripted.status === 'succeeded'
          ? { status: 'succeeded', payment_id: charge.payment_id, processor_reference: `ch_${charge.payment_id}` }
          : { status: 'declined', payment_id: charge.payment_id, decline_code: scripted.decline_code, decline_type: scripted.decline_type ?? null, failed_at: new Date().toISOString() };
      answered.set(key, result);
      reply(200, result);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    script: (id, outcomes) => scripts.set(id, outcomes),
    charges,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
