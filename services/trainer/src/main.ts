import { createLogger, createMetrics, loadConfig, runService } from '@payments-mlops/service-kit';
import { SERVICE_NAME, buildApp } from './app.js';
import { TrainerConfig } from './config.js';
import { TrainingSchedule } from './jobs/schedule.js';
import { createTrainerContext } from './trainer-context.js';

const config = loadConfig(TrainerConfig);
const logger = createLogger({ service: SERVICE_NAME, level: config.LOG_LEVEL });
const metrics = createMetrics(SERVICE_NAME);
const context = await createTrainerContext(config, logger);
const interrupted = await context.jobs.failInterrupted();
if (interrupted > 0) logger.warn({ jobs: interrupted }, 'jobs left running by a previous process marked failed');

const app = await buildApp({
  logger,
  metrics,
  runner: context.runner,
  jobs: context.jobs,
  pool: context.warehouse,
  definitionsLoaded: () => context.featureRegistry.loaded !== undefined,
  ...(config.TRAINER_WEBHOOK_TOKEN ? { webhookToken: config.TRAINER_WEBHOOK_TOKEN } : {}),
});
const schedule = new TrainingSchedule(context.runner, config.TRAINER_SCHEDULE_TASKS, config.TRAINER_SCHEDULE_INTERVAL_MINUTES * 60_000, logger.child({ component: 'schedule' }));
await runService({
  app,
  host: config.HOST,
  port: config.PORT,
  logger,
  // A training job may take minutes: shutdown waits for it within its own budget.
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onShutdown: async () => {
    schedule.stop();
    await context.close();
  },
});
if (config.TRAINER_SCHEDULE_ENABLED) schedule.start();
