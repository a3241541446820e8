import type { FeatureCatalog, OnlineFeatureColumns, OnlineReadPlan, OnlineStoreReader } from '@payments-mlops/feature-store';
import { planOnlineRead, readOnlineFeatures } from '@payments-mlops/feature-store';
import type { Logger } from '@payments-mlops/service-kit';

/** Answers every read with "nothing stored": request fields and on-demand features still come through. */
const NOTHING_STORED: OnlineStoreReader = {
  readStates: (requests) => Promise.resolve(requests.map(() => null)),
};

const WARNING_INTERVAL_MS = 10_000;

export interface FeatureRead {
  columns: OnlineFeatureColumns;
  /** True when the online store failed or was late and only request fields were used. */
  degraded: boolean;
}

interface CachedPlan {
  plan: OnlineReadPlan;
  /** The request columns the catalog knows (join keys and request-source fields), in a fixed order. */
  columns: string[];
}

export interface ServingFeaturesOptions {
  /** The current feature definitions (RegistryCache.loaded). */
  catalog: () => FeatureCatalog | undefined;
  store: OnlineStoreReader;
  logger: Logger;
  /** Past this many ms the read is answered degraded (SERVING_FEATURE_DEADLINE_MS); none by default. */
  deadlineMs?: number;
}

/** The online store did not answer a request's read within its deadline. */
export class FeatureDeadlineError extends Error {
  constructor(deadlineMs: number) {
    super(`online features not read within ${deadlineMs} ms`);
  }
}

/**
 * A model's features for one request: its feature service read in one Redis round trip, with
 * the request's own fields as the request source. When Redis fails or is past its deadline (one
 * timer per request, not one per Redis command), the same read runs against an empty store, so the answer carries
 * every request field and on-demand feature and the stored ones are missing, exactly as
 * training encodes a missing value.
 */
export class ServingFeatures {
  private readonly plans = new Map<string, CachedPlan>();
  private planVersion: number | undefined;
  private readonly catalogOf: () => FeatureCatalog | undefined;
  private readonly store: OnlineStoreReader;
  private readonly logger: Logger;
  private readonly deadlineMs: number | undefined;
  private lastWarningMs = 0;

  constructor({ catalog, store, logger, deadlineMs }: ServingFeaturesOptions) {
    this.catalogOf = catalog;
    this.store = store;
    this.logger = logger;
    this.deadlineMs = deadlineMs;
  }

  get loaded(): boolean {
    return this.catalogOf() !== undefined;
  }

  /** The read plan of a feature service, compiled once per definitions version. */
  plan(service: string): CachedPlan | undefined {
    const catalog = this.catalogOf();
    if (catalog === undefined) return undefined;
    if (catalog.version !== this.planVersion) {
      this.plans.clear();
      this.planVersion = catalog.version;
    }
    let cached = this.plans.get(service);
    if (cached === undefined) {
      const plan = planOnlineRead(catalog, catalog.resolveService(service));
      cached = { plan, columns: [...plan.knownColumns] };
      this.plans.set(service, cached);
    }
    return cached;
  }

  /** Reads one row; `fields` holds the request's entity keys and fields by their feature names. */
  async read(cached: CachedPlan, fields: Readonly<Record<string, unknown>>, nowMs: number): Promise<FeatureRead> {
    const entities: Record<string, unknown[]> = {};
    for (const column of cached.columns) {
      const value = fields[column];
      if (value !== undefined) entities[column] = [value];
    }
    for (const joinKey of cached.plan.joinKeys) entities[joinKey] ??= [null];
    try {
      const reading = readOnlineFeatures(this.store, cached.plan, { entities }, nowMs);
      return { columns: await (this.deadlineMs === undefined ? reading : withinDeadline(reading, this.deadlineMs)), degraded: false };
    } catch (error) {
      if ((error as { code?: string }).code === 'INVALID_ARGUMENT') throw error;
      // Once per interval, not per request: an outage at 2,000 req/s would flood the log.
      if (Date.now() - this.lastWarningMs > WARNING_INTERVAL_MS) {
        this.lastWarningMs = Date.now();
        this.logger.warn({ err: (error as Error).message }, 'online features unavailable; answering from request fields');
      }
      return { columns: await readOnlineFeatures(NOTHING_STORED, cached.plan, { entities }, nowMs), degraded: true };
    }
  }
}

/** `reading`, or a FeatureDeadlineError once `deadlineMs` has passed; a late answer is dropped. */
async function withinDeadline<T>(reading: Promise<T>, deadlineMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new FeatureDeadlineError(deadlineMs)), deadlineMs);
  });
  try {
    return await Promise.race([reading, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
