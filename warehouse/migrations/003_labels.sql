-- Label tables: the late outcomes of payments, one table per LabelEvent variant of
-- packages/contracts/src/events.ts, columns named as the contract names its fields.
-- `occurred_at` is the time the outcome became known (label time), always after the payment it
-- is about: training must only use a label once its occurred_at is at or before the cut-off,
-- otherwise recent payments look like negatives they are not yet known to be.
-- As for payment_events, no foreign keys: labels arrive on their own topic, in their own order.

-- A chargeback, a fraud report or a manual-review verdict; a payment may collect several.
CREATE TABLE IF NOT EXISTS fraud_labels (
  event_id     uuid        PRIMARY KEY,
  payment_id   text        NOT NULL,
  source       text        NOT NULL CHECK (source IN ('chargeback', 'fraud_report', 'manual_review')),
  reason_code  text,
  occurred_at  timestamptz NOT NULL,
  ingested_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS fraud_labels_payment_idx ON fraud_labels (payment_id, occurred_at);
CREATE INDEX IF NOT EXISTS fraud_labels_occurred_at_idx ON fraud_labels (occurred_at);

-- The outcome of retrying a failed attempt: payment_id failed, retry_payment_id is the new attempt.
CREATE TABLE IF NOT EXISTS retry_outcomes (
  event_id          uuid        PRIMARY KEY,
  payment_id        text        NOT NULL,
  retry_payment_id  text        NOT NULL,
  strategy          text        NOT NULL CHECK (strategy IN ('immediate', 'backoff_hours', 'next_day', 'payday_aligned', 'do_not_retry')),
  delay_hours       real        NOT NULL CHECK (delay_hours >= 0),
  succeeded         boolean     NOT NULL,
  occurred_at       timestamptz NOT NULL,
  ingested_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS retry_outcomes_payment_idx ON retry_outcomes (payment_id);
CREATE INDEX IF NOT EXISTS retry_outcomes_occurred_at_idx ON retry_outcomes (occurred_at);

-- A subscription ended: involuntary churn follows renewals that could not be recovered.
CREATE TABLE IF NOT EXISTS churn_events (
  event_id         uuid        PRIMARY KEY,
  customer_id      text        NOT NULL,
  subscription_id  text        NOT NULL,
  churn_type       text        NOT NULL CHECK (churn_type IN ('involuntary', 'voluntary')),
  occurred_at      timestamptz NOT NULL,
  ingested_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS churn_events_customer_idx ON churn_events (customer_id, occurred_at);
CREATE INDEX IF NOT EXISTS churn_events_occurred_at_idx ON churn_events (occurred_at);

-- What a recovery action on a failed payment or renewal achieved.
CREATE TABLE IF NOT EXISTS recovery_outcomes (
  event_id                uuid        PRIMARY KEY,
  payment_id              text        NOT NULL,
  action                  text        NOT NULL CHECK (action IN ('retry', 'card_update_request', 'reminder_email', 'alternative_payment_method', 'none')),
  recovered               boolean     NOT NULL,
  recovered_amount_cents  bigint      CHECK (recovered_amount_cents >= 0),
  occurred_at             timestamptz NOT NULL,
  ingested_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS recovery_outcomes_payment_idx ON recovery_outcomes (payment_id);
CREATE INDEX IF NOT EXISTS recovery_outcomes_occurred_at_idx ON recovery_outcomes (occurred_at);
