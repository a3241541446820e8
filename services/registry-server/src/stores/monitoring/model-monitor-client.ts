import { DriftReport, ErrorBody, MlflowError, PerformanceReport } from '@payments-mlops/contracts';
import type { z } from 'zod';

export interface ModelMonitorClientOptions {
  /** model-monitor's base URL, e.g. http://127.0.0.1:8004. */
  baseUrl: string;
  /** Longest wait for an answer, body included. */
  timeoutMs: number;
}

/** The report window as model-monitor reads it: ISO timestamps, its own defaults when absent. */
export interface MonitorWindow {
  from?: string | undefined;
  to?: string | undefined;
}

/** model-monitor's error answers carry the platform's ErrorBody; anything else is shown as text. */
function upstreamMessage(text: string): string {
  try {
    const parsed = ErrorBody.pick({ message: true }).safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.message;
  } catch {
    // Not JSON: a proxy or a crashed process in between.
  }
  return text.slice(0, 300) || 'no message';
}

function describeFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/**
 * A read-only client of model-monitor's drift and performance API. Every answer is checked against
 * the contracts' schemas, and every failure becomes an MlflowError the registry's error handler
 * answers with: unreachable or slow is 503 naming the URL, so the UI can say where it looked.
 */
export class ModelMonitorClient {
  readonly baseUrl: string;

  constructor(private readonly options: ModelMonitorClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  drift(name: string, version: string, window: MonitorWindow): Promise<DriftReport> {
    return this.get(name, version, 'drift', window, DriftReport);
  }

  performance(name: string, version: string, window: MonitorWindow): Promise<PerformanceReport> {
    return this.get(name, version, 'performance', window, PerformanceReport);
  }

  private async get<T>(
    name: string,
    version: string,
    report: 'drift' | 'performance',
    window: MonitorWindow,
    schema: z.ZodType<T>,
  ): Promise<T> {
    const url = new URL(
      `${this.baseUrl}/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}/${report}`,
    );
    if (window.from !== undefined) url.searchParams.set('from', window.from);
    if (window.to !== undefined) url.searchParams.set('to', window.to);
    let status: number;
    let text: string;
    try {
      const response = await fetch(url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new MlflowError(
        'TEMPORARILY_UNAVAILABLE',
        timedOut
          ? `model-monitor at ${this.baseUrl} did not answer within ${this.options.timeoutMs} ms`
          : `model-monitor is not reachable at ${this.baseUrl} (${describeFailure(error)})`,
        { cause: error },
      );
    }
    if (status === 404) throw MlflowError.notFound(`model-monitor: ${upstreamMessage(text)}`);
    if (status === 400) throw MlflowError.invalidParameter(`model-monitor: ${upstreamMessage(text)}`);
    if (status !== 200)
      throw new MlflowError(
        'TEMPORARILY_UNAVAILABLE',
        `model-monitor at ${this.baseUrl} answered ${status}: ${upstreamMessage(text)}`,
      );
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.join('.') || 'body';
      throw new MlflowError(
        'INTERNAL_ERROR',
        `model-monitor at ${this.baseUrl} answered a ${report} report that does not match the contract (${where}: ${issue?.message ?? 'not JSON'})`,
      );
    }
    return parsed.data;
  }
}
