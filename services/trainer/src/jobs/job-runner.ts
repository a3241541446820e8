import { randomUUID } from 'node:crypto';
import type { ModelTask } from '@payments-mlops/contracts';
import type { Logger } from '@payments-mlops/service-kit';
import type { BoostingParams } from '../pipelines/model-config.js';
import type { ProgressEvent, RunRequest, TrainingReport } from '../domain/training-run.js';
import type { JobStore, JobTrigger, TrainingJob } from './job-store.js';

export interface JobRequest {
  task: ModelTask;
  trigger: JobTrigger;
  reason?: string;
  asOfMs?: number;
  params?: Partial<BoostingParams>;
  /** Run materialize-incremental first (the runner's default when absent). */
  materialize?: boolean;
}

export interface JobRunnerOptions {
  store: JobStore;
  train: (request: RunRequest) => Promise<TrainingReport>;
  /** materialize-incremental of the online store; returns a summary line for the log. */
  materialize?: () => Promise<string>;
  materializeByDefault?: boolean;
  logger: Logger;
  maxConcurrent?: number;
  /** Smallest interval between two progress writes of a job, in ms (the last one always lands). */
  progressIntervalMs?: number;
}

/**
 * Runs training jobs in this process: at most one per task (the job table's unique index holds
 * that across processes too), at most `maxConcurrent` at once, each recorded with its progress
 * and log lines as it goes and its report or failure reason at the end.
 */
export class JobRunner {
  private readonly running = new Map<string, Promise<void>>();
  private readonly waiting: (() => void)[] = [];
  private active = 0;

  constructor(private readonly options: JobRunnerOptions) {}

  /** Records a queued job and starts it when a slot is free; CONFLICT if the task has one already. */
  async submit(request: JobRequest): Promise<TrainingJob> {
    const materialize = request.materialize ?? this.options.materializeByDefault ?? false;
    const job = await this.options.store.create({
      job_id: randomUUID(),
      task: request.task,
      trigger: request.trigger,
      reason: request.reason ?? null,
      request: {
        ...(request.asOfMs !== undefined ? { as_of: new Date(request.asOfMs).toISOString() } : {}),
        ...(request.params ? { params: request.params } : {}),
        materialize,
      },
    });
    const done = this.execute(job.job_id, { ...request, materialize }).finally(() => this.running.delete(job.job_id));
    this.running.set(job.job_id, done);
    return job;
  }

  /** Resolves when the job has finished (succeeded or failed); at once when it is not running here. */
  async wait(jobId: string): Promise<void> {
    await this.running.get(jobId);
  }

  /** Waits for every job of this process to finish. */
  async drain(): Promise<void> {
    await Promise.all([...this.running.values()]);
  }

  private async slot(): Promise<void> {
    if (this.active < (this.options.maxConcurrent ?? 1)) {
      this.active++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }

  private async execute(jobId: string, request: JobRequest): Promise<void> {
    const { store, logger } = this.options;
    const log = logger.child({ component: 'jobs', job_id: jobId, task: request.task });
    await this.slot();
    try {
      await store.start(jobId);
      log.info({ trigger: request.trigger }, 'training job started');
      const report = await this.progressWriter(jobId, async (onProgress) => {
        if (request.materialize && this.options.materialize) {
          onProgress({ step: 'config', progress: 0, message: 'materialize-incremental of the online store' });
          onProgress({ step: 'config', progress: 0, message: await this.options.materialize() });
        }
        return this.options.train({ task: request.task, ...(request.asOfMs !== undefined ? { asOfMs: request.asOfMs } : {}), ...(request.params ? { params: request.params } : {}), onProgress });
      });
      await store.finish(jobId, { status: 'succeeded', result: report as unknown as Record<string, unknown> });
      log.info({ version: report.version, promoted: report.promoted }, 'training job succeeded');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.warn({ err: error }, 'training job failed');
      await store.finish(jobId, { status: 'failed', error: message }).catch((cause: unknown) => log.error({ err: cause }, 'could not record the failure'));
    } finally {
      this.release();
    }
  }

  /** Progress events written in order, at most one write at a time, the latest always kept. */
  private async progressWriter<T>(jobId: string, work: (onProgress: (event: ProgressEvent) => void) => Promise<T>): Promise<T> {
    const interval = this.options.progressIntervalMs ?? 250;
    let chain = Promise.resolve();
    let lastWrite = 0;
    let lastStep = '';
    const onProgress = (event: ProgressEvent): void => {
      const now = Date.now();
      // Round-by-round messages are thinned; a new step is always written.
      if (event.step === lastStep && now - lastWrite < interval) return;
      lastStep = event.step;
      lastWrite = now;
      chain = chain.then(() => this.options.store.progress(jobId, event.step, event.progress, event.message)).catch(() => undefined);
    };
    try {
      return await work(onProgress);
    } finally {
      await chain;
    }
  }
}
