-- Training jobs: one row per job, with its progress, log lines and outcome.
CREATE TABLE IF NOT EXISTS training_jobs (
  job_id       uuid        PRIMARY KEY,
  task         text        NOT NULL,
  status       text        NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  trigger      text        NOT NULL CHECK (trigger IN ('api', 'schedule', 'webhook', 'cli')),
  reason       text,
  request      jsonb       NOT NULL,
  step         text,
  progress     real        NOT NULL DEFAULT 0,
  logs         jsonb       NOT NULL DEFAULT '[]',
  result       jsonb,
  error        text,
  created_at   timestamptz NOT NULL,
  started_at   timestamptz,
  finished_at  timestamptz
);

-- One job per model at a time, whichever process started it: a second insert for a task with an
-- active job violates this index.
CREATE UNIQUE INDEX IF NOT EXISTS training_jobs_one_active_per_task ON training_jobs (task) WHERE status IN ('queued', 'running');
CREATE INDEX IF NOT EXISTS training_jobs_created_idx ON training_jobs (created_at DESC);
