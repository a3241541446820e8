import type { FeatureRepo } from '@payments-mlops/contracts';
import { FeatureCatalog } from './catalog.js';

const LISTS = ['entities', 'data_sources', 'feature_views', 'stream_feature_views', 'on_demand_feature_views', 'feature_services'] as const;
type ListName = (typeof LISTS)[number];

export interface RepoChange {
  list: ListName | 'config';
  name: string;
  change: 'added' | 'removed' | 'changed';
  /** Top-level fields that differ, for a change. */
  fields: string[];
  /** The online keys of the view changed: its values must be materialized again. */
  relayout: boolean;
}

/** What applying `after` over `before` changes, definition by definition, as `feast plan` shows it. */
export function diffRepos(before: FeatureRepo | null, after: FeatureRepo): RepoChange[] {
  const changes: RepoChange[] = [];
  if (before !== null) {
    const fields = changedFields(before.config, after.config);
    if (fields.length > 0) changes.push({ list: 'config', name: after.config.project, change: 'changed', fields, relayout: false });
  }
  const layouts = (repo: FeatureRepo | null) => {
    if (repo === null) return new Map<string, string>();
    return new Map(
      new FeatureCatalog(repo, 0)
        .storedViews()
        .map((view) => [view.name, view.kind === 'batch' ? view.fingerprint : view.plan.fingerprint]),
    );
  };
  const [layoutBefore, layoutAfter] = [layouts(before), layouts(after)];
  for (const list of LISTS) {
    const old = new Map<string, unknown>((before?.[list] ?? []).map((definition) => [definition.name, definition]));
    const current = new Map<string, unknown>(after[list].map((definition) => [definition.name, definition]));
    for (const [name, definition] of current) {
      const previous = old.get(name);
      if (previous === undefined) {
        changes.push({ list, name, change: 'added', fields: [], relayout: layoutAfter.has(name) });
        continue;
      }
      const fields = changedFields(previous, definition);
      if (fields.length > 0) {
        const relayout = layoutAfter.has(name) && layoutBefore.get(name) !== layoutAfter.get(name);
        changes.push({ list, name, change: 'changed', fields, relayout });
      }
    }
    for (const name of old.keys()) {
      if (!current.has(name)) changes.push({ list, name, change: 'removed', fields: [], relayout: false });
    }
  }
  return changes;
}

const LABELS: Record<RepoChange['list'], string> = {
  config: 'project',
  entities: 'entity',
  data_sources: 'data source',
  feature_views: 'feature view',
  stream_feature_views: 'stream feature view',
  on_demand_feature_views: 'on demand feature view',
  feature_services: 'feature service',
};

export function formatDiff(changes: readonly RepoChange[]): string {
  if (changes.length === 0) return 'No changes.';
  const symbol = { added: '+', removed: '-', changed: '~' } as const;
  return changes
    .map((change) => {
      const detail = change.change === 'changed' ? ` (${change.fields.join(', ')})` : '';
      const relayout = change.relayout ? ' — new online layout: run materialize for it' : '';
      return `${symbol[change.change]} ${LABELS[change.list]} ${change.name}${detail}${relayout}`;
    })
    .join('\n');
}

function changedFields(before: unknown, after: unknown): string[] {
  const a = (before ?? {}) as Record<string, unknown>;
  const b = (after ?? {}) as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => stableJson(a[key]) !== stableJson(b[key])).sort();
}

/** JSON with sorted keys, so the registry digest and diffs do not depend on key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return inner;
    return Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)));
  });
}
