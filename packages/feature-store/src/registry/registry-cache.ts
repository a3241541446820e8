import { ServiceError } from '@payments-mlops/contracts';
import { FeatureCatalog } from '../definitions/catalog.js';
import type { PostgresRegistryStore } from './registry-store.js';

export interface RegistryCacheOptions {
  store: PostgresRegistryStore;
  project: string;
  /** How often to look for a new version. */
  refreshIntervalMs?: number;
  onError?: (error: unknown) => void;
  onVersion?: (catalog: FeatureCatalog) => void;
}

/**
 * The current definitions of a project, cached: readers use the catalog in memory and a timer
 * checks the registry for a newer version (one cheap query), so a new `apply` reaches every
 * reader within one interval. A version that this code cannot load (say, naming a transformation
 * it does not have) is reported and the previous catalog stays in use.
 */
export class RegistryCache {
  private readonly store: PostgresRegistryStore;
  private readonly project: string;
  private readonly refreshIntervalMs: number;
  private readonly onError: (error: unknown) => void;
  private readonly onVersion: (catalog: FeatureCatalog) => void;
  private current: FeatureCatalog | undefined;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<FeatureCatalog | undefined> | undefined;
  private failedVersion: number | undefined;

  constructor({ store, project, refreshIntervalMs = 2_000, onError = () => undefined, onVersion = () => undefined }: RegistryCacheOptions) {
    this.store = store;
    this.project = project;
    this.refreshIntervalMs = refreshIntervalMs;
    this.onError = onError;
    this.onVersion = onVersion;
  }

  /** Loads the latest version now, then keeps polling until `stop()`. */
  async start(): Promise<FeatureCatalog | undefined> {
    const catalog = await this.refresh().catch((error: unknown) => {
      this.onError(error);
      return undefined;
    });
    this.timer ??= setInterval(() => {
      this.refresh().catch(this.onError);
    }, this.refreshIntervalMs);
    this.timer.unref();
    return catalog;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The cached catalog; throws SERVICE_UNAVAILABLE while no version has been loaded. */
  catalog(): FeatureCatalog {
    if (this.current === undefined) {
      throw new ServiceError('SERVICE_UNAVAILABLE', `No feature definitions loaded for project '${this.project}' yet: run \`make features-apply\``);
    }
    return this.current;
  }

  get loaded(): FeatureCatalog | undefined {
    return this.current;
  }

  /** Checks for a newer version and loads it; returns the catalog in use afterwards. */
  refresh(): Promise<FeatureCatalog | undefined> {
    this.refreshing ??= this.loadNewer().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async loadNewer(): Promise<FeatureCatalog | undefined> {
    const latest = await this.store.latestVersion(this.project);
    if (latest === null || latest === this.current?.version || latest === this.failedVersion) return this.current;
    const stored = await this.store.getVersion(this.project, latest);
    if (stored === null) return this.current;
    try {
      this.current = new FeatureCatalog(stored.repo, stored.version);
      this.failedVersion = undefined;
    } catch (error) {
      this.failedVersion = latest;
      throw new Error(`Registry version ${latest} of '${this.project}' cannot be loaded; keeping version ${this.current?.version ?? 'none'}`, { cause: error });
    }
    this.onVersion(this.current);
    return this.current;
  }
}
