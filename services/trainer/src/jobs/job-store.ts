import { fileURLToPath } from 'node:url';
import { ServiceError, type ModelTask } from '@payments-mlops/contracts';
import { runMigrations } from '@payments-mlops/service-kit';
import type pg from 'pg';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed';
export type JobTrigger = 'api' | 'schedule' | 'webhook' | 'cli';

export interface JobLogLine {
  at: string;
  message: string;
}

export interface TrainingJob {
  job_id: string;
  task: ModelTask;
  status: JobStatus;
  trigger: JobTrigger;
  reason: string | null;
  request: Record<string, unknown>;
  step: string | null;
  progress: number;
  logs: JobLogLine[];
  result: Record<string, unknown> | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

interface JobRow extends Omit<TrainingJob, 'created_at' | 'started_at' | 'finished_at'> {
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

const toJob = (row: JobRow): TrainingJob => ({
  ...row,
  created_at: row.created_at.toISOString(),
  started_at: row.started_at?.toISOString() ?? null,
  finished_at: row.finished_at?.toISOString() ?? null,
});

/** Job history in Postgres (the pool's current schema), migrated by `prepare`. */
export class JobStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly clock: () => number = Date.now,
  ) {}

  async prepare(): Promise<void> {
    await runMigrations({ pool: this.pool, directory: MIGRATIONS_DIR, table: 'trainer_schema_migrations' });
  }

  /** A new queued job; CONFLICT naming the active one when the task already has one. */
  async create(job: { job_id: string; task: ModelTask; trigger: JobTrigger; reason: string | null; request: Record<string, unknown> }): Promise<TrainingJob> {
    const now = new Date(this.clock());
    try {
      const { rows } = await this.pool.query<JobRow>(
        `INSERT INTO training_jobs (job_id, task, status, trigger, reason, request, created_at, started_at)
         VALUES ($1, $2, 'queued', $3, $4, $5, $6, NULL) RETURNING *`,
        [job.job_id, job.task, job.trigger, job.reason, JSON.stringify(job.request), now],
      );
      return toJob(rows[0]!);
    } catch (error) {
      if ((error as { code?: string }).code !== '23505') throw error;
      const active = await this.active(job.task);
      throw new ServiceError('CONFLICT', `A ${job.task} job is already queued or running${active ? ` (${active.job_id})` : ''}: one job per model at a time`, {
        fields: [{ field: 'task', message: 'has a job running' }],
      });
    }
  }

  async active(task: ModelTask): Promise<TrainingJob | undefined> {
    const { rows } = await this.pool.query<JobRow>(`SELECT * FROM training_jobs WHERE task = $1 AND status IN ('queued', 'running')`, [task]);
    return rows[0] ? toJob(rows[0]) : undefined;
  }

  async start(jobId: string): Promise<void> {
    await this.pool.query(`UPDATE training_jobs SET status = 'running', started_at = $2 WHERE job_id = $1`, [jobId, new Date(this.clock())]);
  }

  async progress(jobId: string, step: string, progress: number, message: string): Promise<void> {
    const line = JSON.stringify([{ at: new Date(this.clock()).toISOString(), message: `[${step}] ${message}` }]);
    await this.pool.query(`UPDATE training_jobs SET step = $2, progress = $3, logs = logs || $4::jsonb WHERE job_id = $1`, [jobId, step, progress, line]);
  }

  async finish(jobId: string, outcome: { status: 'succeeded'; result: Record<string, unknown> } | { status: 'failed'; error: string }): Promise<void> {
    const now = new Date(this.clock());
    const message = outcome.status === 'succeeded' ? 'job succeeded' : `job failed: ${outcome.error}`;
    const line = JSON.stringify([{ at: now.toISOString(), message }]);
    await this.pool.query(
      `UPDATE training_jobs SET status = $2, result = $3, error = $4, finished_at = $5, logs = logs || $6::jsonb,
         progress = CASE WHEN $2 = 'succeeded' THEN 1 ELSE progress END
       WHERE job_id = $1`,
      [jobId, outcome.status, outcome.status === 'succeeded' ? JSON.stringify(outcome.result) : null, outcome.status === 'failed' ? outcome.error : null, now, line],
    );
  }

  async get(jobId: string): Promise<TrainingJob | undefined> {
    const { rows } = await this.pool.query<JobRow>('SELECT * FROM training_jobs WHERE job_id = $1', [jobId]);
    return rows[0] ? toJob(rows[0]) : undefined;
  }

  /** Newest first, without their logs and results (GET /jobs/:id has those). */
  async list(filter: { task?: ModelTask; status?: JobStatus; limit: number }): Promise<TrainingJob[]> {
    const { rows } = await this.pool.query<JobRow>(
      `SELECT job_id, task, status, trigger, reason, request, step, progress, '[]'::jsonb AS logs, NULL::jsonb AS result, error, created_at, started_at, finished_at
       FROM training_jobs WHERE ($1::text IS NULL OR task = $1) AND ($2::text IS NULL OR status = $2)
       ORDER BY created_at DESC, job_id LIMIT $3`,
      [filter.task ?? null, filter.status ?? null, filter.limit],
    );
    return rows.map(toJob);
  }

  /** Jobs a previous process left running can never finish: fail them, freeing their tasks. */
  async failInterrupted(): Promise<number> {
    const { rowCount } = await this.pool.query(
      `UPDATE training_jobs SET status = 'failed', error = 'interrupted: the trainer stopped while the job ran', finished_at = $1
       WHERE status IN ('queued', 'running')`,
      [new Date(this.clock())],
    );
    return rowCount ?? 0;
  }
}
