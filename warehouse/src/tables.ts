/** Tables the payments platform writes into the warehouse: the events, the entities, the labels. */
export const WAREHOUSE_TABLES = {
  paymentEvents: 'payment_events',
  customers: 'customers',
  merchants: 'merchants',
  subscriptions: 'subscriptions',
  fraudLabels: 'fraud_labels',
  retryOutcomes: 'retry_outcomes',
  churnEvents: 'churn_events',
  recoveryOutcomes: 'recovery_outcomes',
} as const;
export type WarehouseTable = (typeof WAREHOUSE_TABLES)[keyof typeof WAREHOUSE_TABLES];
