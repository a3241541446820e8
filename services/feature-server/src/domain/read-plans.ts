import type { GetOnlineFeaturesRequest } from '@payments-mlops/contracts';
import { planOnlineRead, type FeatureCatalog, type OnlineReadPlan } from '@payments-mlops/feature-store';

const MAX_PLANS = 1_000;

/**
 * Read plans by catalog version and requested features: resolving references and deciding what
 * to read happens once per distinct request shape, not on every request.
 */
export class ReadPlanCache {
  private version = -1;
  private readonly plans = new Map<string, OnlineReadPlan>();

  planFor(catalog: FeatureCatalog, request: Pick<GetOnlineFeaturesRequest, 'features' | 'feature_service'>): OnlineReadPlan {
    if (catalog.version !== this.version) {
      this.plans.clear();
      this.version = catalog.version;
    }
    const key = request.feature_service !== undefined ? `service:${request.feature_service}` : (request.features ?? []).join(',');
    let plan = this.plans.get(key);
    if (plan === undefined) {
      const features = request.feature_service !== undefined ? catalog.resolveService(request.feature_service) : catalog.resolveFeatures(request.features ?? []);
      plan = planOnlineRead(catalog, features);
      // Arbitrary feature lists could grow the cache without bound; start over past the cap.
      if (this.plans.size >= MAX_PLANS) this.plans.clear();
      this.plans.set(key, plan);
    }
    return plan;
  }
}
