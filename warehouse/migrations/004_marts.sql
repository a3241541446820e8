-- The marts the features come from, dbt-style: int_* are intermediate, time-stamped aggregates
-- (one row per entity per UTC day with activity), dim_* the current state of each entity, fct_* the
-- payment facts with their known outcomes. See warehouse/README.md for every column.
--
-- Materialization choices:
-- * fct_payments is a plain view: a 1:1 projection of payment_events with left joins to the small
--   label tables, so it is always current and a time-range or entity filter reaches the indexes of
--   payment_events directly.
-- * int_* and dim_* are materialized views: they aggregate the whole history (rolling windows,
--   lifetime distinct counts) and are read far more often than payments land in bulk, so they are
--   computed once per load by refreshMarts() (warehouse/src/marts.ts). Each has a unique index, so
--   REFRESH … CONCURRENTLY keeps them readable while they refresh.
--
-- Dates are UTC days whatever the session's TimeZone: `(ts AT TIME ZONE 'UTC')::date`.
-- Amounts are in minor units of the payment's currency, summed as they are: the merchants settle
-- in currencies whose minor units are within a factor of two of each other (USD, EUR, GBP, CAD, AUD).

CREATE OR REPLACE VIEW fct_payments AS
SELECT
  p.payment_id,
  p.event_id,
  p.original_payment_id,
  p.attempt_number,
  p.payment_type,
  p.customer_id,
  p.merchant_id,
  p.card_id,
  p.device_id,
  p.subscription_id,
  p.amount_cents,
  p.currency,
  p.payment_method_type,
  p.card_brand,
  p.card_bin,
  p.card_country,
  p.ip_country,
  p.billing_country,
  p.merchant_category_code,
  p.channel,
  p.is_guest_checkout,
  p.status,
  p.status = 'failed' AS is_failed,
  p.decline_code,
  p.decline_type,
  p.occurred_at,
  (p.occurred_at AT TIME ZONE 'UTC')::date AS payment_date,
  coalesce(p.card_country <> p.ip_country, false) AS is_card_ip_country_mismatch,
  -- Known outcomes, each with the time it became known: filter on those times, not on is_fraud
  -- alone, when building a training set as of a cut-off.
  fraud.payment_id IS NOT NULL AS is_fraud,
  fraud.occurred_at AS fraud_labeled_at,
  fraud.source AS fraud_label_source,
  retry.retry_payment_id,
  retry.strategy AS retry_outcome_strategy,
  retry.delay_hours AS retry_delay_hours,
  retry.succeeded AS retry_succeeded,
  retry.occurred_at AS retry_outcome_at,
  recovery.action AS recovery_action,
  recovery.recovered,
  recovery.recovered_amount_cents,
  recovery.occurred_at AS recovery_outcome_at,
  p.fraud_score,
  p.churn_score,
  p.retry_strategy
FROM payment_events p
LEFT JOIN (
  SELECT DISTINCT ON (payment_id) payment_id, source, occurred_at
  FROM fraud_labels
  ORDER BY payment_id, occurred_at, event_id
) fraud ON fraud.payment_id = p.payment_id
LEFT JOIN (
  SELECT DISTINCT ON (payment_id) payment_id, retry_payment_id, strategy, delay_hours, succeeded, occurred_at
  FROM retry_outcomes
  ORDER BY payment_id, occurred_at, event_id
) retry ON retry.payment_id = p.payment_id
LEFT JOIN (
  SELECT DISTINCT ON (payment_id) payment_id, action, recovered, recovered_amount_cents, occurred_at
  FROM recovery_outcomes
  ORDER BY payment_id, occurred_at, event_id
) recovery ON recovery.payment_id = p.payment_id;

-- One row per customer per UTC day with at least one payment attempt. Values describe the
-- customer as of the end of that day; event_timestamp (the next midnight) is when they are known,
-- so a point-in-time join never sees a day's aggregate before the day is over.
CREATE MATERIALIZED VIEW IF NOT EXISTS int_payment_customer_metrics AS
WITH daily AS (
  SELECT
    customer_id,
    (occurred_at AT TIME ZONE 'UTC')::date AS metric_date,
    count(*)::integer AS payments,
    count(*) FILTER (WHERE status = 'failed')::integer AS failed_payments,
    sum(amount_cents)::bigint AS amount_cents,
    sum(amount_cents::double precision * amount_cents) AS amount_cents_squared,
    coalesce(sum(amount_cents) FILTER (WHERE status = 'succeeded'), 0)::bigint AS succeeded_amount_cents,
    min(occurred_at) AS first_payment_at,
    max(occurred_at) AS last_payment_at
  FROM payment_events
  GROUP BY 1, 2
),
-- A method is a card (card_id) or, without one, the method type; counted from the day first used.
new_methods AS (
  SELECT customer_id, first_date AS metric_date, count(*)::integer AS methods
  FROM (
    SELECT customer_id, coalesce(card_id, payment_method_type) AS method,
           min((occurred_at AT TIME ZONE 'UTC')::date) AS first_date
    FROM payment_events
    GROUP BY 1, 2
  ) firsts
  GROUP BY 1, 2
),
windowed AS (
  SELECT
    d.customer_id,
    d.metric_date,
    d.payments,
    d.failed_payments,
    d.last_payment_at,
    sum(d.payments) OVER w30 AS payments_30d,
    sum(d.failed_payments) OVER w30 AS failed_payments_30d,
    sum(d.succeeded_amount_cents) OVER w30 AS succeeded_amount_cents_30d,
    sum(d.amount_cents) OVER w30 AS amount_cents_30d,
    sum(d.payments) OVER lifetime AS payments_lifetime,
    sum(d.amount_cents) OVER lifetime AS amount_cents_lifetime,
    sum(d.amount_cents_squared) OVER lifetime AS amount_cents_squared_lifetime,
    min(d.first_payment_at) OVER lifetime AS first_payment_at,
    sum(coalesce(m.methods, 0)) OVER lifetime AS payment_method_count
  FROM daily d
  LEFT JOIN new_methods m ON m.customer_id = d.customer_id AND m.metric_date = d.metric_date
  WINDOW
    w30 AS (PARTITION BY d.customer_id ORDER BY d.metric_date RANGE BETWEEN INTERVAL '29 days' PRECEDING AND CURRENT ROW),
    lifetime AS (PARTITION BY d.customer_id ORDER BY d.metric_date ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)
SELECT
  customer_id,
  metric_date,
  ((metric_date + 1)::timestamp AT TIME ZONE 'UTC') AS event_timestamp,
  payments AS payments_1d,
  failed_payments AS failed_payments_1d,
  payments_30d::integer AS total_payments_30d,
  failed_payments_30d::integer AS failed_payments_30d,
  failed_payments_30d::double precision / payments_30d AS failure_rate_30d,
  succeeded_amount_cents_30d::bigint AS succeeded_amount_cents_30d,
  amount_cents_30d::double precision / payments_30d AS avg_amount_cents_30d,
  payments_lifetime::integer AS lifetime_payments,
  amount_cents_lifetime::double precision / payments_lifetime AS avg_amount_cents,
  CASE WHEN payments_lifetime > 1 THEN sqrt(greatest(0,
    (amount_cents_squared_lifetime - amount_cents_lifetime::double precision * amount_cents_lifetime / payments_lifetime)
    / (payments_lifetime - 1)))
  END AS stddev_amount_cents,
  payment_method_count::integer AS payment_method_count,
  first_payment_at,
  last_payment_at,
  extract(epoch FROM ((metric_date + 1)::timestamp AT TIME ZONE 'UTC') - first_payment_at)::double precision / 86400
    AS days_since_first_payment
FROM windowed;

CREATE UNIQUE INDEX IF NOT EXISTS int_payment_customer_metrics_key
  ON int_payment_customer_metrics (customer_id, metric_date);
CREATE INDEX IF NOT EXISTS int_payment_customer_metrics_time_idx
  ON int_payment_customer_metrics (event_timestamp);

-- One row per merchant per UTC day with a payment attempt or a newly known fraud label. Fraud
-- labels count on the day they became known (never the payment's day), so the 30-day fraud
-- figures are point-in-time correct; a payment counts once, at its first label.
CREATE MATERIALIZED VIEW IF NOT EXISTS int_payment_merchant_metrics AS
WITH daily AS (
  SELECT
    merchant_id,
    (occurred_at AT TIME ZONE 'UTC')::date AS metric_date,
    count(*)::integer AS payments,
    count(*) FILTER (WHERE status = 'failed')::integer AS failed_payments,
    count(*) FILTER (WHERE status = 'succeeded')::integer AS succeeded_payments,
    coalesce(sum(amount_cents) FILTER (WHERE status = 'succeeded'), 0)::bigint AS volume_cents
  FROM payment_events
  GROUP BY 1, 2
),
new_customers AS (
  SELECT merchant_id, first_date AS metric_date, count(*)::integer AS customers
  FROM (
    SELECT merchant_id, customer_id, min((occurred_at AT TIME ZONE 'UTC')::date) AS first_date
    FROM payment_events
    GROUP BY 1, 2
  ) firsts
  GROUP BY 1, 2
),
fraud_labeled AS (
  SELECT p.merchant_id, (f.occurred_at AT TIME ZONE 'UTC')::date AS metric_date, count(*)::integer AS labels
  FROM (
    SELECT DISTINCT ON (payment_id) payment_id, occurred_at
    FROM fraud_labels
    ORDER BY payment_id, occurred_at, event_id
  ) f
  JOIN payment_events p ON p.payment_id = f.payment_id
  GROUP BY 1, 2
),
days AS (
  SELECT merchant_id, metric_date FROM daily
  UNION
  SELECT merchant_id, metric_date FROM fraud_labeled
),
windowed AS (
  SELECT
    k.merchant_id,
    k.metric_date,
    coalesce(d.payments, 0) AS payments,
    sum(coalesce(d.payments, 0)) OVER w30 AS payments_30d,
    sum(coalesce(d.failed_payments, 0)) OVER w30 AS failed_payments_30d,
    sum(coalesce(d.succeeded_payments, 0)) OVER w30 AS succeeded_payments_30d,
    sum(coalesce(d.volume_cents, 0)) OVER w30 AS volume_cents_30d,
    sum(coalesce(d.succeeded_payments, 0)) OVER lifetime AS succeeded_payments_lifetime,
    sum(coalesce(d.volume_cents, 0)) OVER lifetime AS volume_cents_lifetime,
    sum(coalesce(c.customers, 0)) OVER lifetime AS customer_count,
    sum(coalesce(f.labels, 0)) OVER w30 AS fraud_labels_30d
  FROM days k
  LEFT JOIN daily d ON d.merchant_id = k.merchant_id AND d.metric_date = k.metric_date
  LEFT JOIN new_customers c ON c.merchant_id = k.merchant_id AND c.metric_date = k.metric_date
  LEFT JOIN fraud_labeled f ON f.merchant_id = k.merchant_id AND f.metric_date = k.metric_date
  WINDOW
    w30 AS (PARTITION BY k.merchant_id ORDER BY k.metric_date RANGE BETWEEN INTERVAL '29 days' PRECEDING AND CURRENT ROW),
    lifetime AS (PARTITION BY k.merchant_id ORDER BY k.metric_date ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)
SELECT
  merchant_id,
  metric_date,
  ((metric_date + 1)::timestamp AT TIME ZONE 'UTC') AS event_timestamp,
  payments AS payments_1d,
  payments_30d::integer AS total_payments_30d,
  failed_payments_30d::integer AS failed_payments_30d,
  failed_payments_30d::double precision / nullif(payments_30d, 0) AS failure_rate_30d,
  volume_cents_30d::bigint AS total_volume_cents_30d,
  volume_cents_30d::double precision / nullif(succeeded_payments_30d, 0) AS avg_transaction_amount_cents_30d,
  volume_cents_lifetime::double precision / nullif(succeeded_payments_lifetime, 0) AS avg_transaction_amount_cents,
  customer_count::integer AS customer_count,
  fraud_labels_30d::integer AS fraud_labels_30d,
  fraud_labels_30d::double precision / nullif(succeeded_payments_30d, 0) AS fraud_label_rate_30d
FROM windowed;

CREATE UNIQUE INDEX IF NOT EXISTS int_payment_merchant_metrics_key
  ON int_payment_merchant_metrics (merchant_id, metric_date);
CREATE INDEX IF NOT EXISTS int_payment_merchant_metrics_time_idx
  ON int_payment_merchant_metrics (event_timestamp);

-- One row per customer known to the customers table or seen in a payment (guest checkouts have
-- no customers row): attributes and lifetime totals as of the last refresh. Current state, so it
-- serves lookups and analysis; training joins the time-stamped int_* marts instead.
CREATE MATERIALIZED VIEW IF NOT EXISTS dim_customer AS
WITH payments AS (
  SELECT
    customer_id,
    min(occurred_at) AS first_payment_at,
    max(occurred_at) AS last_payment_at,
    count(*)::integer AS total_payments,
    count(*) FILTER (WHERE status = 'failed')::integer AS failed_payments,
    coalesce(sum(amount_cents) FILTER (WHERE status = 'succeeded'), 0)::bigint AS succeeded_amount_cents,
    avg(amount_cents)::double precision AS avg_amount_cents,
    count(DISTINCT coalesce(card_id, payment_method_type))::integer AS payment_method_count,
    count(DISTINCT card_id)::integer AS card_count,
    count(DISTINCT device_id)::integer AS device_count,
    count(DISTINCT merchant_id)::integer AS merchant_count,
    bool_or(is_guest_checkout) AS has_guest_checkout
  FROM payment_events
  GROUP BY customer_id
),
subs AS (
  SELECT
    customer_id,
    count(*) FILTER (WHERE status = 'active')::integer AS active_subscriptions,
    count(*) FILTER (WHERE status = 'churned')::integer AS churned_subscriptions,
    count(*) FILTER (WHERE status = 'canceled')::integer AS canceled_subscriptions
  FROM subscriptions
  GROUP BY customer_id
),
fraud AS (
  SELECT p.customer_id, count(DISTINCT f.payment_id)::integer AS fraud_labeled_payments
  FROM fraud_labels f
  JOIN payment_events p ON p.payment_id = f.payment_id
  GROUP BY p.customer_id
)
SELECT
  coalesce(c.customer_id, p.customer_id) AS customer_id,
  c.country,
  c.created_at,
  c.customer_id IS NULL AS is_guest,
  p.first_payment_at,
  p.last_payment_at,
  coalesce(p.total_payments, 0) AS total_payments,
  coalesce(p.failed_payments, 0) AS failed_payments,
  p.failed_payments::double precision / nullif(p.total_payments, 0) AS failure_rate,
  coalesce(p.succeeded_amount_cents, 0) AS succeeded_amount_cents,
  p.avg_amount_cents,
  coalesce(p.payment_method_count, 0) AS payment_method_count,
  coalesce(p.card_count, 0) AS card_count,
  coalesce(p.device_count, 0) AS device_count,
  coalesce(p.merchant_count, 0) AS merchant_count,
  coalesce(s.active_subscriptions, 0) AS active_subscriptions,
  coalesce(s.churned_subscriptions, 0) AS churned_subscriptions,
  coalesce(s.canceled_subscriptions, 0) AS canceled_subscriptions,
  coalesce(f.fraud_labeled_payments, 0) AS fraud_labeled_payments
FROM customers c
FULL JOIN payments p ON p.customer_id = c.customer_id
LEFT JOIN subs s ON s.customer_id = coalesce(c.customer_id, p.customer_id)
LEFT JOIN fraud f ON f.customer_id = coalesce(c.customer_id, p.customer_id);

CREATE UNIQUE INDEX IF NOT EXISTS dim_customer_key ON dim_customer (customer_id);

-- One row per merchant known to the merchants table or seen in a payment: underwriting
-- attributes and lifetime totals as of the last refresh.
CREATE MATERIALIZED VIEW IF NOT EXISTS dim_merchant AS
WITH payments AS (
  SELECT
    merchant_id,
    min(merchant_category_code) AS seen_category_code,
    min(occurred_at) AS first_payment_at,
    max(occurred_at) AS last_payment_at,
    count(*)::integer AS total_payments,
    count(*) FILTER (WHERE status = 'failed')::integer AS failed_payments,
    count(*) FILTER (WHERE status = 'succeeded')::integer AS succeeded_payments,
    coalesce(sum(amount_cents) FILTER (WHERE status = 'succeeded'), 0)::bigint AS total_volume_cents,
    count(DISTINCT customer_id)::integer AS customer_count
  FROM payment_events
  GROUP BY merchant_id
),
fraud AS (
  SELECT p.merchant_id, count(DISTINCT f.payment_id)::integer AS fraud_labeled_payments
  FROM fraud_labels f
  JOIN payment_events p ON p.payment_id = f.payment_id
  GROUP BY p.merchant_id
),
subs AS (
  SELECT merchant_id, count(*) FILTER (WHERE status = 'active')::integer AS active_subscriptions
  FROM subscriptions
  GROUP BY merchant_id
)
SELECT
  coalesce(m.merchant_id, p.merchant_id) AS merchant_id,
  m.name,
  coalesce(m.merchant_category_code, p.seen_category_code) AS merchant_category_code,
  m.category,
  m.country,
  m.risk_tier,
  m.created_at,
  p.first_payment_at,
  p.last_payment_at,
  coalesce(p.total_payments, 0) AS total_payments,
  coalesce(p.failed_payments, 0) AS failed_payments,
  p.failed_payments::double precision / nullif(p.total_payments, 0) AS failure_rate,
  coalesce(p.total_volume_cents, 0) AS total_volume_cents,
  p.total_volume_cents::double precision / nullif(p.succeeded_payments, 0) AS avg_transaction_amount_cents,
  coalesce(p.customer_count, 0) AS customer_count,
  coalesce(f.fraud_labeled_payments, 0) AS fraud_labeled_payments,
  coalesce(f.fraud_labeled_payments, 0)::double precision / nullif(p.succeeded_payments, 0) AS fraud_label_rate,
  coalesce(s.active_subscriptions, 0) AS active_subscriptions
FROM merchants m
FULL JOIN payments p ON p.merchant_id = m.merchant_id
LEFT JOIN fraud f ON f.merchant_id = coalesce(m.merchant_id, p.merchant_id)
LEFT JOIN subs s ON s.merchant_id = coalesce(m.merchant_id, p.merchant_id);

CREATE UNIQUE INDEX IF NOT EXISTS dim_merchant_key ON dim_merchant (merchant_id);
