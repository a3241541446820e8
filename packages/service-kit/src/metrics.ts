import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Latency buckets in seconds. prom-client's defaults start at 5 ms, which lumps every feature
 * read and model inference of this platform into the first bucket; these start at 100 µs.
 */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

export type HttpRequestLabel = 'method' | 'route' | 'status_code';

export interface ServiceMetrics {
  /** This process's registry; never prom-client's global one, so tests and services stay apart. */
  registry: Registry;
  /** The metric name prefix derived from the service name, e.g. `feature_server_`. */
  prefix: string;
  httpRequestDuration: Histogram<HttpRequestLabel>;
}

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop lag, GC); on by default. */
  defaultMetrics?: boolean;
}

/** `feature-server` → `feature_server_`: Prometheus names allow only [a-zA-Z0-9_:]. */
export function metricPrefix(service: string): string {
  const name = service.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(name) ? `_${name}_` : `${name}_`;
}

/** The registry of one service process, with its HTTP latency histogram and process metrics. */
export function createMetrics(
  service: string,
  { defaultMetrics = true }: MetricsOptions = {},
): ServiceMetrics {
  const registry = new Registry();
  const prefix = metricPrefix(service);
  if (defaultMetrics) collectDefaultMetrics({ register: registry, prefix });
  const httpRequestDuration = new Histogram({
    name: `${prefix}http_request_duration_seconds`,
    help: 'HTTP request duration in seconds, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [...LATENCY_BUCKETS_SECONDS],
    registers: [registry],
  });
  return { registry, prefix, httpRequestDuration };
}
