import type { GetOnlineFeaturesRequest } from '@payments-mlops/contracts';
import { planOnlineRead, type FeatureCatalog, type OnlineReadPlan } from '@payments-mlops/feature-store';

const MAX_PLANS = 1_000;

/**
 * Read plans by catalog version and requested features: resolving references and deciding what
 * to read happens once per distinct request shape, not on every request.
 */
export class ReadPlanCache {
  private version = -1;
  private readonly services = new Map<string, OnlineReadPlan>();
  /** Feature lists by a cheap key (length, first and last reference), checked entry by entry. */
  private readonly lists = new Map<string, { features: readonly string[]; plan: OnlineReadPlan }[]>();
  private listCount = 0;

  planFor(catalog: FeatureCatalog, request: Pick<GetOnlineFeaturesRequest, 'features' | 'feature_service'>): OnlineReadPlan {
    if (catalog.version !== this.version) {
      this.services.clear();
      this.lists.clear();
      this.listCount = 0;
      this.version = catalog.version;
    }
    if (request.feature_service !== undefined) {
      let plan = this.services.get(request.feature_service);
      if (plan === undefined) {
        plan = planOnlineRead(catalog, catalog.resolveService(request.feature_service));
        if (this.services.size >= MAX_PLANS) this.services.clear();
        this.services.set(request.feature_service, plan);
      }
      return plan;
    }
    // Joining and hashing a 50-reference list on every request cost more than comparing it.
    const features = request.features ?? [];
    const key = `${features.length}\u0000${features[0] ?? ''}\u0000${features.at(-1) ?? ''}`;
    const candidates = this.lists.get(key);
    const hit = candidates?.find((candidate) => sameList(candidate.features, features));
    if (hit !== undefined) return hit.plan;
    const plan = planOnlineRead(catalog, catalog.resolveFeatures(features));
    // Arbitrary feature lists could grow the cache without bound; start over past the cap.
    if (this.listCount >= MAX_PLANS) {
      this.lists.clear();
      this.listCount = 0;
    }
    const entry = { features: [...features], plan };
    if (candidates !== undefined && this.lists.has(key)) candidates.push(entry);
    else this.lists.set(key, [entry]);
    this.listCount++;
    return plan;
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
