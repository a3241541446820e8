import { createHash } from 'node:crypto';
import {
  ServiceError,
  type Entity,
  type FeatureField,
  type FeatureRepo,
  type FeatureView,
  type OnDemandFeatureView,
  type PostgresSource,
  type RequestSource,
} from '@payments-mlops/contracts';
import { planAggregations, type AggregationPlan } from '../aggregation/plan.js';
import { ON_DEMAND_TRANSFORMATIONS } from '../on-demand/transformations.js';
import type { OnDemandTransformation } from '../on-demand/transformation.js';
import { durationMs } from './duration.js';

export interface BatchViewInfo {
  kind: 'batch';
  name: string;
  definition: FeatureView;
  entity: Entity;
  /** The postgres source rows come from (a push source's batch source). */
  source: PostgresSource;
  pushSource: string | null;
  features: FeatureField[];
  ttlMs: number;
  /** Part of the online key: a new schema starts with fresh keys instead of misreading old values. */
  fingerprint: string;
}

export interface StreamViewInfo {
  kind: 'stream';
  name: string;
  entity: Entity;
  features: FeatureField[];
  plan: AggregationPlan;
}

export interface OnDemandViewInfo {
  kind: 'on_demand';
  name: string;
  definition: OnDemandFeatureView;
  features: FeatureField[];
  transformation: OnDemandTransformation;
}

export interface RequestSourceInfo {
  kind: 'request';
  name: string;
  definition: RequestSource;
  features: FeatureField[];
}

export type ViewInfo = BatchViewInfo | StreamViewInfo | OnDemandViewInfo | RequestSourceInfo;
export type StoredViewInfo = BatchViewInfo | StreamViewInfo;

/** One requested feature, resolved to its view. */
export interface ResolvedFeature {
  ref: string;
  view: ViewInfo;
  field: FeatureField;
  /** Position in the view's feature list. */
  index: number;
}

/**
 * The definitions of one registry version, indexed for serving and retrieval: views by name with
 * their storage layouts and aggregation plans, and feature references resolved to them.
 * Unknown views, features and services are NOT_FOUND ServiceErrors that name them.
 */
export class FeatureCatalog {
  readonly repo: FeatureRepo;
  readonly version: number;
  readonly entities: ReadonlyMap<string, Entity>;
  readonly views: ReadonlyMap<string, ViewInfo>;
  /** Entities by join key, to check the keys of a request. */
  readonly entitiesByJoinKey: ReadonlyMap<string, Entity>;
  private readonly servicesCache = new Map<string, ResolvedFeature[]>();

  constructor(repo: FeatureRepo, version: number) {
    this.repo = repo;
    this.version = version;
    this.entities = new Map(repo.entities.map((entity) => [entity.name, entity]));
    this.entitiesByJoinKey = new Map(repo.entities.map((entity) => [entity.join_key, entity]));
    const sources = new Map(repo.data_sources.map((source) => [source.name, source]));
    const views = new Map<string, ViewInfo>();
    const entityOf = (name: string | undefined): Entity => {
      const entity = name === undefined ? undefined : this.entities.get(name);
      if (entity === undefined) throw new Error(`entity '${name}' is not defined`);
      return entity;
    };
    const postgres = (name: string): PostgresSource => {
      const source = sources.get(name);
      if (source?.type === 'postgres') return source;
      if (source?.type === 'push' || source?.type === 'kafka') return postgres(source.batch_source);
      throw new Error(`source '${name}' is not a postgres source`);
    };

    for (const source of repo.data_sources) {
      if (source.type === 'request') views.set(source.name, { kind: 'request', name: source.name, definition: source, features: source.schema });
    }
    for (const view of repo.feature_views) {
      const entity = entityOf(view.entities[0]);
      const source = sources.get(view.source);
      views.set(view.name, {
        kind: 'batch',
        name: view.name,
        definition: view,
        entity,
        source: postgres(view.source),
        pushSource: source?.type === 'push' ? source.name : null,
        features: view.schema,
        ttlMs: durationMs(view.ttl),
        fingerprint: fingerprint([entity.join_key, view.schema.map((field) => [field.name, field.dtype])]),
      });
    }
    for (const view of repo.stream_feature_views) {
      const entity = entityOf(view.entities[0]);
      const source = sources.get(view.source);
      if (source?.type !== 'kafka') throw new Error(`source '${view.source}' is not a kafka source`);
      const plan = planAggregations(view, source, postgres(source.batch_source), entity);
      const features = plan.aggregates.map((aggregate) => ({ name: aggregate.name, dtype: aggregate.dtype }));
      views.set(view.name, { kind: 'stream', name: view.name, entity, features, plan });
    }
    for (const view of repo.on_demand_feature_views) {
      const transformation = ON_DEMAND_TRANSFORMATIONS.get(view.transformation);
      if (transformation === undefined) throw new Error(`transformation '${view.transformation}' does not exist`);
      views.set(view.name, { kind: 'on_demand', name: view.name, definition: view, features: view.schema, transformation });
    }
    this.views = views;
  }

  view(name: string): ViewInfo {
    const view = this.views.get(name);
    if (view === undefined) throw new ServiceError('NOT_FOUND', `Feature view '${name}' does not exist`, { feature_view: name });
    return view;
  }

  storedViews(): StoredViewInfo[] {
    return [...this.views.values()].filter((view): view is StoredViewInfo => view.kind === 'batch' || view.kind === 'stream');
  }

  /** `view:feature` references, in order. */
  resolveFeatures(refs: readonly string[]): ResolvedFeature[] {
    return refs.map((ref) => {
      const colon = ref.indexOf(':');
      const viewName = ref.slice(0, colon);
      const featureName = ref.slice(colon + 1);
      const view = this.views.get(viewName);
      if (view === undefined) throw new ServiceError('NOT_FOUND', `Feature view '${viewName}' of feature '${ref}' does not exist`, { feature: ref });
      const index = view.features.findIndex((field) => field.name === featureName);
      if (index === -1) throw new ServiceError('NOT_FOUND', `Feature '${ref}' does not exist: view '${viewName}' has no feature '${featureName}'`, { feature: ref });
      return { ref, view, field: view.features[index]!, index };
    });
  }

  /** The features of a feature service, in the order the service lists them. */
  resolveService(name: string): ResolvedFeature[] {
    const cached = this.servicesCache.get(name);
    if (cached) return cached;
    const service = this.repo.feature_services.find((candidate) => candidate.name === name);
    if (service === undefined) throw new ServiceError('NOT_FOUND', `Feature service '${name}' does not exist`, { feature_service: name });
    const refs = service.features.flatMap((selection) => {
      if (typeof selection === 'string') return this.view(selection).features.map((field) => `${selection}:${field.name}`);
      return Object.entries(selection).flatMap(([view, features]) => features.map((feature) => `${view}:${feature}`));
    });
    const resolved = this.resolveFeatures(refs);
    this.servicesCache.set(name, resolved);
    return resolved;
  }
}

function fingerprint(layout: unknown): string {
  return createHash('sha256').update(JSON.stringify(layout)).digest('hex').slice(0, 8);
}
