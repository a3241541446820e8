import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { metricPrefix } from '@payments-mlops/service-kit';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { MonitorMetrics } from './monitor-metrics.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DASHBOARDS = path.join(ROOT, 'infra/grafana/provisioning/dashboards/json');

interface Target {
  refId: string;
  expr: string;
  datasource: { uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource: { uid: string };
  targets: Target[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
}

const dashboards = readdirSync(DASHBOARDS)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({
    file: f,
    dashboard: JSON.parse(readFileSync(path.join(DASHBOARDS, f), 'utf8')) as Dashboard,
  }));

/** Service metric prefixes, as service-kit derives them from each service's directory name. */
const SERVICE_PREFIXES = readdirSync(path.join(ROOT, 'services')).map((name) => metricPrefix(name));

/**
 * Every `${prefix}<name>` a service or package defines, under each service's prefix, and the
 * monitor's gauges as it registers them.
 */
async function exportedMetricNames(): Promise<Set<string>> {
  const suffixes = new Set<string>();
  for (const dir of ['services', 'packages']) {
    for (const entry of readdirSync(path.join(ROOT, dir), {
      recursive: true,
      withFileTypes: true,
    })) {
      const file = path.join(entry.parentPath, entry.name);
      if (
        !entry.isFile() ||
        !file.endsWith('.ts') ||
        file.endsWith('.test.ts') ||
        file.includes('node_modules') ||
        file.includes(`${path.sep}dist${path.sep}`)
      )
        continue;
      for (const m of readFileSync(file, 'utf8').matchAll(/name: `\$\{prefix\}([a-z0-9_]+)`/g))
        suffixes.add(m[1]!);
    }
  }
  const names = new Set<string>();
  for (const prefix of SERVICE_PREFIXES) for (const suffix of suffixes) names.add(prefix + suffix);
  const registry = new Registry();
  new MonitorMetrics(registry);
  for (const metric of await registry.getMetricsAsJSON()) names.add(metric.name);
  return names;
}

/** The metric names a PromQL expression reads: identifiers under a service prefix, histogram series folded. */
function metricsIn(expr: string): string[] {
  const identifiers = expr.replace(/"[^"]*"/g, '').match(/[a-z_][a-z0-9_]*/g) ?? [];
  return identifiers
    .filter((id) => SERVICE_PREFIXES.some((p) => id.startsWith(p)))
    .map((id) => id.replace(/_(bucket|sum|count)$/, ''));
}

describe('Grafana dashboards and alert rules', () => {
  it('provisions serving, feature store and model quality', () => {
    expect(dashboards.map((d) => d.dashboard.uid).sort()).toEqual([
      'feature-store',
      'ml-serving',
      'model-quality',
    ]);
  });

  it.each(dashboards)(
    '$file has unique panel ids, grid positions and Prometheus targets',
    ({ dashboard }) => {
      expect(dashboard.title.length).toBeGreaterThan(0);
      expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
      expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
      for (const panel of dashboard.panels) {
        expect(panel.title.length).toBeGreaterThan(0);
        expect(panel.datasource.uid).toBe('prometheus');
        expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
        expect(panel.targets.length).toBeGreaterThan(0);
        expect(new Set(panel.targets.map((t) => t.refId)).size).toBe(panel.targets.length);
      }
    },
  );

  it.each(dashboards)(
    'every query in $file reads a metric some service exports',
    async ({ dashboard }) => {
      const exported = await exportedMetricNames();
      for (const target of dashboard.panels.flatMap((p) => p.targets)) {
        const metrics = metricsIn(target.expr);
        expect(metrics, target.expr).not.toHaveLength(0);
        for (const metric of metrics)
          expect(exported, `${metric} in ${target.expr}`).toContain(metric);
      }
    },
  );

  it('alert rules read only metrics some service exports', async () => {
    const exported = await exportedMetricNames();
    const rules = path.join(ROOT, 'infra/prometheus/rules');
    for (const file of readdirSync(rules).filter((f) => f.endsWith('.yml'))) {
      const text = readFileSync(path.join(rules, file), 'utf8').replace(/^\s*#.*$/gm, '');
      const metrics = metricsIn(text);
      expect(metrics, file).not.toHaveLength(0);
      for (const metric of metrics) expect(exported, `${metric} in ${file}`).toContain(metric);
    }
  });

  it("reads the monitor's own gauges by the names it registers", async () => {
    const registry = new Registry();
    new MonitorMetrics(registry);
    const registered = new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
    const used = dashboards.flatMap(({ dashboard }) =>
      dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricsIn(t.expr))),
    );
    const monitorMetrics = used.filter((m) => m.startsWith('model_monitor_'));
    expect(monitorMetrics.length).toBeGreaterThan(5);
    for (const metric of monitorMetrics) expect(registered).toContain(metric);
  });
});
