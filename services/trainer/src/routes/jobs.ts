import { ErrorBody, ServiceError } from '@payments-mlops/contracts';
import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { JobRunner } from '../jobs/job-runner.js';
import type { JobStore } from '../jobs/job-store.js';
import { CreateJobRequest, JobIdParams, ListJobsQuery, TrainingJobSchema } from './job-schemas.js';

export const jobRoutes: FastifyPluginCallbackZod<{ runner: JobRunner; jobs: JobStore }> = (app, { runner, jobs }, done) => {
  app.post(
    '/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Start a training job',
        description: 'Materialize (optionally), train, evaluate and register one model. One job per model at a time: 409 while one runs.',
        body: CreateJobRequest,
        response: { 202: TrainingJobSchema, 400: ErrorBody, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const { task, as_of, params, materialize, reason } = request.body;
      const job = await runner.submit({
        task,
        trigger: 'api',
        ...(reason !== undefined ? { reason } : {}),
        ...(as_of !== undefined ? { asOfMs: Date.parse(as_of) } : {}),
        ...(params !== undefined ? { params } : {}),
        ...(materialize !== undefined ? { materialize } : {}),
      });
      return reply.code(202).send(job);
    },
  );
  app.get(
    '/jobs',
    {
      schema: {
        tags: ['jobs'],
        summary: 'Job history, newest first',
        querystring: ListJobsQuery,
        response: { 200: z.object({ jobs: z.array(TrainingJobSchema) }), 400: ErrorBody },
      },
    },
    async (request) => ({ jobs: await jobs.list(request.query) }),
  );
  app.get(
    '/jobs/:id',
    {
      schema: {
        tags: ['jobs'],
        summary: 'A job with its progress, logs and report',
        params: JobIdParams,
        response: { 200: TrainingJobSchema, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const job = await jobs.get(request.params.id);
      if (job === undefined) throw new ServiceError('NOT_FOUND', `Training job ${request.params.id} does not exist`, { fields: [{ field: 'id', message: 'no such job' }] });
      return job;
    },
  );
  done();
};
