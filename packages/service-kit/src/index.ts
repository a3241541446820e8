export {
  createServiceApp,
  DOCS_PREFIX,
  QUIET_REQUEST_LOG,
  type OpenApiInfo,
  type ServiceApp,
  type ServiceAppOptions,
} from './app.js';
export { bindHistogram, type BoundHistogram } from './bound-histogram.js';
export {
  BaseServiceConfig,
  ConfigError,
  LOG_LEVELS,
  LogLevel,
  envBoolean,
  envInteger,
  loadConfig,
  type ConfigProblem,
  type Env,
} from './config.js';
export {
  errorBody,
  allowedMethodsOf,
  clearHeadersForError,
  handleNotFound,
  handleServiceError,
  mapError,
  type MappedError,
} from './errors.js';
export {
  DEFAULT_READINESS_TIMEOUT_MS,
  ReadinessReport,
  runReadinessChecks,
  type ReadinessCheck,
} from './health.js';
export { markNotReady } from './lifecycle.js';
export { REDACTED_PATHS, createLogger, type Logger, type LoggerOptions } from './logger.js';
export {
  LATENCY_BUCKETS_SECONDS,
  createMetrics,
  metricPrefix,
  type HttpRequestLabel,
  type MetricsOptions,
  type ServiceMetrics,
} from './metrics.js';
export { REQUEST_ID_HEADER } from './request-id.js';
export { MigrationError, runMigrations, type RunMigrationsOptions } from './migrations.js';
export { createPgPool, pgReadiness, type PgPoolOptions } from './postgres.js';
export { runService, type RunServiceOptions, type RunningService } from './run.js';
// Route plugins are typed with these; re-exported so services need no direct dependency on the provider.
export type {
  FastifyPluginAsyncZod,
  FastifyPluginCallbackZod,
  ZodTypeProvider,
} from 'fastify-type-provider-zod';
export {
  DEFAULT_WORKER_ROLE,
  WORKER_ROLE_VARIABLE,
  WORKERS_LISTENING,
  clusterMetricsRegistry,
  onPrimaryShutdown,
  superviseWorkers,
  workerRole,
  type ClusterMetricsOptions,
  type SuperviseWorkersOptions,
} from './worker-cluster.js';
export { DEFER, acceptingValidatorCompiler, compileAccepter, type Accepter } from './zod-accept.js';
