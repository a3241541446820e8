import { z } from 'zod';

/** What the warehouse CLI reads from the environment. */
export const WarehouseConfig = z.object({
  WAREHOUSE_DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/payments'),
});
export type WarehouseConfig = z.infer<typeof WarehouseConfig>;
