import type { ModelTask } from '@payments-mlops/contracts';
import type pg from 'pg';

export interface LabelledScores {
  labels: Float64Array;
  scores: Float64Array;
}

export interface LabelQuery {
  task: ModelTask;
  model: string;
  version: string;
  /** The class whose probability is the score (`fraud`, `churned`). */
  positiveClass: string;
  fromMs: number;
  toMs: number;
  /** Labels known by this instant count; predictions younger than the maturity are left out. */
  asOfMs: number;
  fraudMaturityDays: number;
  churnHorizonDays: number;
}

/** Binary tasks whose outcome joins to a logged prediction; retry and recovery are policies. */
export const LABELLED_TASKS: ReadonlySet<ModelTask> = new Set(['fraud', 'churn']);

/**
 * Joins logged predictions to the warehouse's label tables. Fraud: a payment is positive when
 * a fraud label (chargeback, report, review) for it is known by `asOf`, and only predictions
 * older than the maturity count, since a chargeback can take weeks. Churn: positive when the
 * customer churned within the horizon after the prediction, counted once the horizon has passed.
 */
export async function labelledScores(pool: pg.Pool, q: LabelQuery): Promise<LabelledScores> {
  const asOf = new Date(q.asOfMs);
  const params: unknown[] = [
    q.model,
    q.version,
    new Date(q.fromMs),
    new Date(q.toMs),
    q.positiveClass,
    asOf,
  ];
  let sql: string;
  if (q.task === 'fraud') {
    sql = `SELECT (p.scores->>$5)::float8 AS score,
             EXISTS (SELECT 1 FROM fraud_labels l WHERE l.payment_id = p.payment_id AND l.occurred_at <= $6) AS label
           FROM prediction_log p
           WHERE p.model_name = $1 AND p.model_version = $2 AND p.predicted_at >= $3 AND p.predicted_at < $4
             AND p.payment_id IS NOT NULL AND p.predicted_at <= $6::timestamptz - make_interval(days => $7)`;
    params.push(q.fraudMaturityDays);
  } else if (q.task === 'churn') {
    sql = `SELECT (p.scores->>$5)::float8 AS score,
             EXISTS (SELECT 1 FROM churn_events c WHERE c.customer_id = p.customer_id AND c.occurred_at > p.predicted_at
                       AND c.occurred_at <= p.predicted_at + make_interval(days => $7) AND c.occurred_at <= $6) AS label
           FROM prediction_log p
           WHERE p.model_name = $1 AND p.model_version = $2 AND p.predicted_at >= $3 AND p.predicted_at < $4
             AND p.customer_id IS NOT NULL AND p.predicted_at <= $6::timestamptz - make_interval(days => $7)`;
    params.push(q.churnHorizonDays);
  } else {
    return { labels: new Float64Array(0), scores: new Float64Array(0) };
  }
  const { rows } = await pool.query<{ score: number | null; label: boolean }>(sql, params);
  const kept = rows.filter((r) => r.score !== null && Number.isFinite(r.score));
  return {
    labels: Float64Array.from(kept, (r) => (r.label ? 1 : 0)),
    scores: Float64Array.from(kept, (r) => r.score!),
  };
}
