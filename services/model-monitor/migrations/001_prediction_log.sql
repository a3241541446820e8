-- The prediction log: one row per served prediction (shadow answers included), partitioned by UTC
-- day so that retention drops whole partitions. Partitions are created by the sink as days arrive.
CREATE TABLE IF NOT EXISTS prediction_log (
  predicted_at   timestamptz      NOT NULL,
  request_id     text             NOT NULL,
  task           text             NOT NULL,
  endpoint       text             NOT NULL,
  model_name     text             NOT NULL,
  model_version  text             NOT NULL,
  model_alias    text             NOT NULL,
  decision       text             NOT NULL,
  degraded       boolean          NOT NULL,
  latency_ms     double precision NOT NULL,
  -- Label joins: fraud, retry and recovery outcomes by payment, churn by customer.
  payment_id     text,
  customer_id    text,
  entity_ids     jsonb            NOT NULL,
  features       jsonb            NOT NULL,
  scores         jsonb            NOT NULL,
  -- Kafka redelivers after a restart; the key makes a redelivered prediction a no-op.
  PRIMARY KEY (predicted_at, request_id, model_name, model_alias)
) PARTITION BY RANGE (predicted_at);

CREATE INDEX IF NOT EXISTS prediction_log_model_time_idx ON prediction_log (model_name, model_version, predicted_at);
CREATE INDEX IF NOT EXISTS prediction_log_payment_idx ON prediction_log (payment_id);
CREATE INDEX IF NOT EXISTS prediction_log_customer_idx ON prediction_log (customer_id);
