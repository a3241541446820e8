/**
 * Worker thread of the stream: runs the simulation and serializes its events, so the main thread
 * spends its core on the Kafka client. Answers each request for n payments with a RecordBatch whose
 * values are already UTF-8 bytes, packed in one transferable buffer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SimulationOptions } from './params.js';
import { generateBatch, packValues } from './record-batches.js';
import { PaymentSimulation } from './simulation.js';

const port = parentPort;
if (!port) throw new Error('generation-worker runs as a worker thread');
const simulation = new PaymentSimulation((workerData as { options: SimulationOptions }).options);
port.on('message', (request: { payments: number }) => {
  const { kinds, keys, values, ats, exhausted } = generateBatch(simulation, request.payments);
  const packed = packValues(values);
  port.postMessage({ kinds, keys, packed, ats, exhausted, now: simulation.now }, [packed.bytes]);
});
