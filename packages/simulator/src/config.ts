import { z } from 'zod';

/** What the simulator CLI reads from the environment. */
export const SimulatorConfig = z.object({
  WAREHOUSE_DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/payments'),
  KAFKA_BROKERS: z
    .string()
    .default('127.0.0.1:9092')
    .transform((value) => value.split(',').map((broker) => broker.trim()).filter((broker) => broker.length > 0))
    .pipe(z.array(z.string()).min(1, 'must name at least one broker')),
});
export type SimulatorConfig = z.infer<typeof SimulatorConfig>;
