import { ModelTask } from '@payments-mlops/contracts';
import { z } from 'zod';

/*
 * The trainer's own API: training jobs and the retraining webhook. These schemas live with the
 * service (nothing else calls them through a typed client yet); OpenAPI is served at /docs.
 */

const Params = z
  .strictObject({
    numRounds: z.number().int().min(1).max(5000),
    learningRate: z.number().positive().max(1),
    numLeaves: z.number().int().min(2).max(1024),
    minDataInLeaf: z.number().int().min(1),
    lambdaL2: z.number().min(0),
    featureFraction: z.number().positive().max(1),
    earlyStoppingRounds: z.number().int().min(1),
    seed: z.number().int(),
  })
  .partial()
  .describe('Overrides of the model config\'s boosting parameters for this job.');

export const CreateJobRequest = z
  .strictObject({
    task: ModelTask,
    as_of: z.iso.datetime({ offset: true }).optional().describe('Labels known at this instant; default the last payment in the warehouse.'),
    params: Params.optional(),
    materialize: z.boolean().optional().describe('Run materialize-incremental first (default TRAINER_MATERIALIZE_FIRST).'),
    reason: z.string().max(500).optional(),
  })
  .meta({ id: 'CreateJobRequest' });

const LogLine = z.object({ at: z.string(), message: z.string() });

export const TrainingJobSchema = z
  .object({
    job_id: z.uuid(),
    task: ModelTask,
    status: z.enum(['queued', 'running', 'succeeded', 'failed']),
    trigger: z.enum(['api', 'schedule', 'webhook', 'cli']),
    reason: z.string().nullable(),
    request: z.record(z.string(), z.unknown()),
    step: z.string().nullable().describe('The step running now, or the last one reached.'),
    progress: z.number().min(0).max(1),
    logs: z.array(LogLine),
    result: z.record(z.string(), z.unknown()).nullable().describe('The training report: version, metrics beside champion and rule, gates, timings.'),
    error: z.string().nullable().describe('Why the job failed.'),
    created_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
  })
  .meta({ id: 'TrainingJob' });

export const ListJobsQuery = z.strictObject({
  task: ModelTask.optional(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const JobIdParams = z.strictObject({ id: z.uuid() });

/** Alertmanager's webhook payload (version 4); alerts name the model by a `task` or `model` label. */
export const AlertmanagerWebhook = z
  .object({
    version: z.string().optional(),
    status: z.enum(['firing', 'resolved']),
    receiver: z.string().optional(),
    groupKey: z.string().optional(),
    commonLabels: z.record(z.string(), z.string()).optional(),
    alerts: z
      .array(
        z.object({
          status: z.enum(['firing', 'resolved']),
          labels: z.record(z.string(), z.string()),
          annotations: z.record(z.string(), z.string()).optional(),
          startsAt: z.string().optional(),
          fingerprint: z.string().optional(),
        }),
      )
      .min(1),
  })
  .meta({ id: 'AlertmanagerWebhook' });

export const RetrainResponse = z
  .object({
    accepted: z.array(z.object({ task: ModelTask, job_id: z.uuid() })),
    skipped: z.array(z.object({ task: z.string(), reason: z.string() })),
  })
  .meta({ id: 'RetrainResponse' });
