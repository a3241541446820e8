-- payment_events: one row per payment attempt, as the payments platform lands `payments.normalized`.
-- Columns mirror the PaymentEvent contract (packages/contracts/src/events.ts) plus the platform's
-- enrichment columns, which the inference service's answers are written back into.

CREATE TABLE IF NOT EXISTS payment_events (
  event_id                uuid        NOT NULL,
  payment_id              text        NOT NULL,
  original_payment_id     text        NOT NULL,
  attempt_number          smallint    NOT NULL CHECK (attempt_number >= 1),
  payment_type            text        NOT NULL CHECK (payment_type IN ('one_off', 'subscription_renewal', 'retry')),
  customer_id             text        NOT NULL,
  merchant_id             text        NOT NULL,
  card_id                 text,
  device_id               text,
  subscription_id         text,
  amount_cents            bigint      NOT NULL CHECK (amount_cents > 0),
  currency                char(3)     NOT NULL,
  payment_method_type     text        NOT NULL,
  card_brand              text,
  card_bin                char(6),
  card_country            char(2),
  ip_country              char(2),
  billing_country         char(2),
  merchant_category_code  char(4)     NOT NULL,
  channel                 text        NOT NULL,
  is_guest_checkout       boolean     NOT NULL,
  status                  text        NOT NULL CHECK (status IN ('succeeded', 'failed')),
  decline_code            text,
  decline_type            text        CHECK (decline_type IN ('soft', 'hard')),
  occurred_at             timestamptz NOT NULL,
  ingested_at             timestamptz NOT NULL DEFAULT now(),
  -- Enrichment written back by the platform from the inference service's answers.
  fraud_score             real,
  churn_score             real,
  retry_strategy          text,
  CONSTRAINT payment_events_pkey PRIMARY KEY (payment_id),
  CONSTRAINT payment_events_event_id_key UNIQUE (event_id)
);

-- Feature retrieval scans entity histories by event time, and materialization scans time ranges.
CREATE INDEX IF NOT EXISTS payment_events_customer_time_idx ON payment_events (customer_id, occurred_at);
CREATE INDEX IF NOT EXISTS payment_events_merchant_time_idx ON payment_events (merchant_id, occurred_at);
CREATE INDEX IF NOT EXISTS payment_events_card_time_idx ON payment_events (card_id, occurred_at) WHERE card_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS payment_events_occurred_at_brin ON payment_events USING brin (occurred_at);
CREATE INDEX IF NOT EXISTS payment_events_original_payment_idx ON payment_events (original_payment_id, attempt_number);
