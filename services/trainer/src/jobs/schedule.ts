import { ServiceError, type ModelTask } from '@payments-mlops/contracts';
import type { Logger } from '@payments-mlops/service-kit';
import type { JobRunner } from './job-runner.js';

/** Retrains `tasks` every `intervalMs`; a task whose previous job still runs waits for the next tick. */
export class TrainingSchedule {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly runner: JobRunner,
    private readonly tasks: readonly ModelTask[],
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Submits one job per task now; returns the job ids started. */
  async tick(): Promise<string[]> {
    const started: string[] = [];
    for (const task of this.tasks) {
      try {
        started.push((await this.runner.submit({ task, trigger: 'schedule', reason: 'scheduled retraining' })).job_id);
      } catch (error) {
        if (error instanceof ServiceError && error.code === 'CONFLICT') this.logger.info({ task }, 'scheduled job skipped: one is running');
        else this.logger.error({ err: error, task }, 'could not start a scheduled job');
      }
    }
    return started;
  }
}
