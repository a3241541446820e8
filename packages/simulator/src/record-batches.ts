import type { PaymentSimulation } from './simulation.js';

/**
 * Simulated records ready for Kafka, in simulation order: kind (0 payment, 1 label), key
 * (customer_id), value (the event's JSON) and event time.
 */
export interface RecordBatch {
  kinds: Uint8Array;
  keys: string[];
  values: string[];
  ats: Float64Array;
  /** The simulation has nothing more (an event budget was spent). */
  exhausted: boolean;
}

export const PAYMENT = 0;
export const LABEL = 1;

/** Runs the simulation until `payments` payment events (and the labels due among them) are out. */
export function generateBatch(simulation: PaymentSimulation, payments: number): RecordBatch {
  const kinds: number[] = [];
  const keys: string[] = [];
  const values: string[] = [];
  const ats: number[] = [];
  let produced = 0;
  let exhausted = false;
  while (produced < payments) {
    const record = simulation.next();
    if (!record) {
      exhausted = true;
      break;
    }
    if (record.kind === 'payment') {
      kinds.push(PAYMENT);
      keys.push(record.event.customer_id);
      produced++;
    } else {
      kinds.push(LABEL);
      keys.push(record.customerId);
    }
    values.push(JSON.stringify(record.event));
    ats.push(record.at);
  }
  return { kinds: Uint8Array.from(kinds), keys, values, ats: Float64Array.from(ats), exhausted };
}
