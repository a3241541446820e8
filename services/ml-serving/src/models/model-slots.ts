import { MODEL_TASKS, MONITORED_ENDPOINTS, REGISTERED_MODEL_NAMES, type ModelTask, type ServingAlias } from '@payments-mlops/contracts';
import type { Logger } from '@payments-mlops/service-kit';
import type { ServingMetrics } from '../serving-metrics.js';
import { ModelLoadError, loadModel, resolveAlias, type AliasTarget, type ModelRegistry } from './model-loader.js';
import type { ServingModel } from './serving-model.js';

const ALIASES: readonly ServingAlias[] = ['champion', 'challenger'];

export interface ModelSlotsOptions {
  registry: ModelRegistry;
  logger: Logger;
  metrics: ServingMetrics;
  pollIntervalMs?: number;
  /** How long a replaced session lives on for requests that picked it before the swap. */
  releaseAfterMs?: number;
  tasks?: readonly ModelTask[];
}

interface Slot {
  current: ServingModel | undefined;
  /** The version a failed load was for: not retried until the alias moves or the registry was unreachable. */
  rejected: string | undefined;
}

/**
 * The models being served, one slot per task and alias. A poll resolves every alias; a version
 * that differs from the slot's is downloaded, verified and warmed up while the old one keeps
 * answering, then swapped in by replacing one reference, so a request sees either version whole.
 * Any failure (registry unreachable, checksum mismatch, broken artifact) keeps the old version.
 */
export class ModelSlots {
  private readonly slots = new Map<string, Slot>();
  private readonly registry: ModelRegistry;
  private readonly logger: Logger;
  private readonly metrics: ServingMetrics;
  private readonly pollIntervalMs: number;
  private readonly releaseAfterMs: number;
  readonly tasks: readonly ModelTask[];
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private readonly releases = new Set<NodeJS.Timeout>();

  constructor({ registry, logger, metrics, pollIntervalMs = 5_000, releaseAfterMs = 30_000, tasks = MODEL_TASKS }: ModelSlotsOptions) {
    this.registry = registry;
    this.logger = logger;
    this.metrics = metrics;
    this.pollIntervalMs = pollIntervalMs;
    this.releaseAfterMs = releaseAfterMs;
    this.tasks = tasks;
    for (const task of tasks) for (const alias of ALIASES) this.slots.set(key(task, alias), { current: undefined, rejected: undefined });
  }

  /** The model answering for a task's alias right now. */
  model(task: ModelTask, alias: ServingAlias): ServingModel | undefined {
    return this.slots.get(key(task, alias))?.current;
  }

  /** Loads what the aliases point at now, then polls until `stop()`. */
  async start(): Promise<void> {
    await this.poll();
    this.timer ??= setInterval(() => void this.poll(), this.pollIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.polling;
    for (const timer of this.releases) clearTimeout(timer);
    this.releases.clear();
    for (const slot of this.slots.values()) {
      const model = slot.current;
      slot.current = undefined;
      await model?.session.release();
    }
  }

  /**
   * One pass over every alias, started after this call: a pass already under way may have read
   * the aliases before the caller's change, so the caller waits for it and then for a fresh one.
   */
  async poll(): Promise<void> {
    if (this.polling !== undefined) await this.polling;
    this.polling ??= Promise.all(this.tasks.flatMap((task) => ALIASES.map((alias) => this.refresh(task, alias)))).then(
      () => {
        this.polling = undefined;
      },
      () => {
        this.polling = undefined;
      },
    );
    return this.polling;
  }

  private async refresh(task: ModelTask, alias: ServingAlias): Promise<void> {
    const slot = this.slots.get(key(task, alias))!;
    let target: AliasTarget | undefined;
    try {
      target = await resolveAlias(this.registry, task, alias);
    } catch (error) {
      this.failed(task, alias, error, slot.current);
      return;
    }
    if (target === undefined) {
      // A removed challenger stops taking traffic; a champion is never dropped, only replaced.
      if (alias === 'challenger' && slot.current) {
        this.logger.info({ component: 'models', task, version: slot.current.version }, 'challenger alias removed; routing to champion');
        this.swap(slot, undefined);
      }
      return;
    }
    if (target.version === slot.current?.version || target.version === slot.rejected) return;
    try {
      const model = await loadModel(this.registry, task, alias, target, { observeBatch: this.metrics.batchRowsOf(MONITORED_ENDPOINTS[task]) });
      slot.rejected = undefined;
      this.logger.info({ component: 'models', task, model: model.name, version: model.version, alias, previous: slot.current?.version }, 'model version swapped in');
      this.metrics.modelLoads.inc({ model: model.name, alias });
      this.swap(slot, model);
    } catch (error) {
      if (error instanceof ModelLoadError && error.reason !== 'registry_unreachable') slot.rejected = target.version;
      this.failed(task, alias, error, slot.current);
    }
  }

  private swap(slot: Slot, next: ServingModel | undefined): void {
    const previous = slot.current;
    slot.current = next;
    if (previous) {
      this.metrics.modelInfo.remove({ endpoint: MONITORED_ENDPOINTS[previous.task], model: previous.name, version: previous.version, alias: previous.alias });
      const timer = setTimeout(() => {
        this.releases.delete(timer);
        previous.session.release().catch((error: unknown) => this.logger.warn({ component: 'models', err: error }, 'could not release a replaced session'));
      }, this.releaseAfterMs);
      timer.unref();
      this.releases.add(timer);
    }
    if (next) this.metrics.modelInfo.set({ endpoint: MONITORED_ENDPOINTS[next.task], model: next.name, version: next.version, alias: next.alias }, 1);
  }

  private failed(task: ModelTask, alias: ServingAlias, error: unknown, kept: ServingModel | undefined): void {
    const reason = error instanceof ModelLoadError ? error.reason : 'invalid_artifact';
    this.metrics.modelLoadFailures.inc({ model: REGISTERED_MODEL_NAMES[task], alias, reason });
    this.logger.error({ component: 'models', task, alias, reason, kept: kept?.version ?? null, err: error }, 'model not loaded; keeping the version in service');
  }
}

function key(task: ModelTask, alias: ServingAlias): string {
  return `${task}/${alias}`;
}
