-- Entities of the payments platform that payments refer to. Written by the platform's own services
-- (here: by the simulator); the marts join them for attributes a payment row does not carry.
-- No foreign keys from payment_events: events land from Kafka independently of entity syncs, and
-- a payment of a guest checkout has a customer_id the customers table never sees.

CREATE TABLE IF NOT EXISTS customers (
  customer_id  text        PRIMARY KEY,
  country      char(2)     NOT NULL,
  created_at   timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS merchants (
  merchant_id             text        PRIMARY KEY,
  name                    text        NOT NULL,
  merchant_category_code  char(4)     NOT NULL,
  category                text        NOT NULL,
  country                 char(2)     NOT NULL,
  -- Assigned by underwriting at onboarding; a noisy view of the merchant's true risk.
  risk_tier               text        NOT NULL CHECK (risk_tier IN ('low', 'medium', 'high')),
  created_at              timestamptz NOT NULL
);

CREATE TABLE IF NOT EXISTS subscriptions (
  subscription_id      text        PRIMARY KEY,
  customer_id          text        NOT NULL,
  merchant_id          text        NOT NULL,
  plan_amount_cents    bigint      NOT NULL CHECK (plan_amount_cents > 0),
  currency             char(3)     NOT NULL,
  interval_months      smallint    NOT NULL CHECK (interval_months >= 1),
  payment_method_type  text        NOT NULL,
  started_at           timestamptz NOT NULL,
  -- State as of the last sync: churned (involuntary, after failed renewals) or canceled (voluntary).
  status               text        NOT NULL CHECK (status IN ('active', 'canceled', 'churned')),
  ended_at             timestamptz,
  CHECK ((status = 'active') = (ended_at IS NULL))
);

CREATE INDEX IF NOT EXISTS subscriptions_customer_idx ON subscriptions (customer_id, started_at);
CREATE INDEX IF NOT EXISTS subscriptions_merchant_idx ON subscriptions (merchant_id);
