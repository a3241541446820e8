import { timingSafeEqual } from 'node:crypto';
import { ErrorBody, MODEL_TASKS, REGISTERED_MODEL_NAMES, ServiceError, type ModelTask } from '@payments-mlops/contracts';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import type { JobRunner } from '../jobs/job-runner.js';
import { AlertmanagerWebhook, RetrainResponse } from './job-schemas.js';

const TASK_BY_MODEL = new Map<string, ModelTask>(MODEL_TASKS.map((task) => [REGISTERED_MODEL_NAMES[task], task]));

/** The task an alert is about: its `task` label, or its `model` label naming a registered model. */
export function taskOfAlert(labels: Readonly<Record<string, string>>): ModelTask | undefined {
  const task = labels.task;
  if (task !== undefined && (MODEL_TASKS as readonly string[]).includes(task)) return task as ModelTask;
  return labels.model !== undefined ? TASK_BY_MODEL.get(labels.model) : undefined;
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * POST /webhooks/retrain: an Alertmanager receiver (the model monitor's drift and performance
 * alerts). Each firing alert naming a model starts a retraining job of that model; a model with a
 * job already running is skipped (Alertmanager repeats notifications), resolved alerts are ignored.
 */
export const webhookRoutes: FastifyPluginCallbackZod<{ runner: JobRunner; token?: string }> = (app, { runner, token }, done) => {
  app.post(
    '/webhooks/retrain',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Request retraining (Alertmanager webhook receiver)',
        body: AlertmanagerWebhook,
        response: { 202: RetrainResponse, 400: ErrorBody, 401: ErrorBody },
      },
    },
    async (request, reply) => {
      if (token !== undefined && !tokenMatches(request.headers.authorization, token)) {
        throw new ServiceError('UNAUTHENTICATED', 'The retraining webhook needs its bearer token');
      }
      const accepted: { task: ModelTask; job_id: string }[] = [];
      const skipped: { task: string; reason: string }[] = [];
      const tasks = new Map<ModelTask, string>();
      for (const alert of request.body.alerts) {
        const labels = { ...request.body.commonLabels, ...alert.labels };
        const task = taskOfAlert(labels);
        if (alert.status !== 'firing') skipped.push({ task: task ?? labels.model ?? '?', reason: 'alert resolved' });
        else if (task === undefined) skipped.push({ task: labels.task ?? labels.model ?? '?', reason: 'the alert names no known model (label task or model)' });
        else if (!tasks.has(task)) tasks.set(task, labels.alertname ?? 'alert');
      }
      for (const [task, alertname] of tasks) {
        try {
          const job = await runner.submit({ task, trigger: 'webhook', reason: `alert ${alertname}` });
          accepted.push({ task, job_id: job.job_id });
        } catch (error) {
          if (!(error instanceof ServiceError && error.code === 'CONFLICT')) throw error;
          skipped.push({ task, reason: error.message });
        }
      }
      return reply.code(202).send({ accepted, skipped });
    },
  );
  done();
};
