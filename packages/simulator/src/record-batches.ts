import type { PaymentSimulation } from './simulation.js';

/**
 * Simulated records ready for Kafka, in simulation order: kind (0 payment, 1 label), key
 * (customer_id), value (the event's JSON, as text or already as UTF-8 bytes) and event time.
 */
export interface RecordBatch {
  kinds: Uint8Array;
  keys: string[];
  values: (string | Buffer)[];
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

/** The values of a batch as one buffer and where each ends: cheap to move between threads. */
export interface PackedValues {
  bytes: ArrayBuffer;
  ends: Uint32Array;
}

export function packValues(values: readonly (string | Buffer)[]): PackedValues {
  const ends = new Uint32Array(values.length);
  let total = 0;
  values.forEach((value, i) => {
    total += Buffer.byteLength(value);
    ends[i] = total;
  });
  const bytes = new ArrayBuffer(total);
  const view = Buffer.from(bytes);
  values.forEach((value, i) => {
    const start = i === 0 ? 0 : (ends[i - 1] as number);
    if (typeof value === 'string') view.write(value, start);
    else value.copy(view, start);
  });
  return { bytes, ends };
}

/** Views into the packed bytes, one Buffer per value, without copying. */
export function unpackValues({ bytes, ends }: PackedValues): Buffer[] {
  const values: Buffer[] = new Array<Buffer>(ends.length);
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    const end = ends[i] as number;
    values[i] = Buffer.from(bytes, start, end - start);
    start = end;
  }
  return values;
}
