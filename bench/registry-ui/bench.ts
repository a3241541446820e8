/**
 * make bench-ui: the two figures the registry UI is held to, in headless Chromium against a live
 * registry-server (its own process, on a fresh schema of the registry's database, dropped after):
 *   - with 25,000 runs in one experiment, the runs table shows its first page within 1 s of navigation;
 *   - a chart of 10 runs × 10,000 points renders within 1 s.
 * Every figure is the time from the start of navigation (or the click) to the mark the UI sets
 * once the rows are in the page or the chart is drawn; "cold" is the first visit with an empty
 * cache, the median is over REPEATS reloads. RUNS=… POINTS=… REPEATS=… change the sizes.
 */
import {
  ensureUiBuilt,
  launchBrowser,
  startLiveRegistry,
} from '@payments-mlops/registry-ui/testing';
import pg from 'pg';
import {
  CHART_DRAWN,
  RUNS_FIRST_PAGE,
  clickToMark,
  lastResponseMs,
  loadToMark,
  median,
} from './measure.js';
// The same 25,000 runs bench/registry searches, written straight into the tables: creating them
// through the API takes minutes on two shared cores, and reading them is what is measured here.
import { seedRegistryRuns } from '../registry/seed-runs.js';
import { seedHistories } from './seed-runs.js';

const RUNS = Number(process.env.RUNS ?? 25_000);
const CHART_RUNS = 10;
const POINTS = Number(process.env.POINTS ?? 10_000);
const REPEATS = Number(process.env.REPEATS ?? 5);
const TARGET_MS = 1000;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const ms = (value: number | undefined) => (value === undefined ? '—' : `${Math.round(value)} ms`);
const verdict = (value: number) => (value <= TARGET_MS ? 'OK' : 'MISSED');

/** The registry's database with every connection's search_path set to `schema`. */
function inSchema(databaseUrl: string, schema: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

async function main(): Promise<void> {
  const databaseUrl =
    process.env.REGISTRY_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/mlflow';
  const admin = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  const schema = `bench_ui_${Date.now().toString(36)}`;
  await admin.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`);
  const cleanups: (() => Promise<unknown>)[] = [
    () => admin.query(`DROP SCHEMA ${pg.escapeIdentifier(schema)} CASCADE`),
    () => admin.end(),
  ];
  try {
    await ensureUiBuilt();
    const registry = await startLiveRegistry({ databaseUrl: inSchema(databaseUrl, schema) });
    cleanups.unshift(() => registry.stop());
    const { client } = registry;

    let started = performance.now();
    const { experiment_id: sweepId } = await client.api.createExperiment({ name: 'sweep' });
    const seeder = new pg.Pool({ connectionString: inSchema(databaseUrl, schema), max: 1 });
    try {
      await seedRegistryRuns(seeder, sweepId, RUNS);
    } finally {
      await seeder.end();
    }
    const sweepSeconds = performance.now() - started;
    started = performance.now();
    const { experiment_id: chartsId } = await client.api.createExperiment({
      name: 'long-histories',
    });
    const runIds = await seedHistories(client, chartsId, CHART_RUNS, POINTS);
    const historySeconds = performance.now() - started;

    const browser = await launchBrowser({ width: 1440, height: 900 });
    cleanups.unshift(() => browser.close());
    const page = await browser.context.newPage();
    const version =
      (await page.evaluate(() => navigator.userAgent)).match(/HeadlessChrome\/[\d.]+/)?.[0] ??
      'Chromium';

    // Runs table: cold first visit, reloads, and navigation inside the app from the experiments list.
    const runsUrl = `${registry.url}/experiments/${sweepId}`;
    // "Cold": the first visit with an empty HTTP cache, once the browser itself has started.
    await page.goto(`${registry.url}/healthz`);
    const runsCold = await loadToMark(page, runsUrl, RUNS_FIRST_PAGE);
    const coldSearchMs = await lastResponseMs(page, '/runs/search');
    const coldAssetsMs = await page.evaluate(() => {
      const [navigation] = performance.getEntriesByType(
        'navigation',
      ) as PerformanceNavigationTiming[];
      const scripts = (
        performance.getEntriesByType('resource') as PerformanceResourceTiming[]
      ).filter((entry) => entry.name.includes('/assets/'));
      return Math.max(navigation?.responseEnd ?? 0, ...scripts.map((entry) => entry.responseEnd));
    });
    const runsReloads: number[] = [];
    for (let i = 0; i < REPEATS; i += 1)
      runsReloads.push(await loadToMark(page, runsUrl, RUNS_FIRST_PAGE, { reload: true }));
    const searchMs = await lastResponseMs(page, '/runs/search');
    const runsClicks: number[] = [];
    for (let i = 0; i < REPEATS; i += 1) {
      await page.goto(`${registry.url}/experiments`);
      await page.waitForSelector(`a[href="/experiments/${sweepId}"]`);
      runsClicks.push(
        await clickToMark(page, `a[href="/experiments/${sweepId}"]`, RUNS_FIRST_PAGE),
      );
    }
    const rowsInDom = await page.locator('[data-testid="run-row"]').count();

    // Scrolling to the last loaded row loads the next page (1,000 runs) and still renders only the rows in view.
    const scrolledAt = await page.evaluate(() => performance.now());
    await page
      .locator('.virtual-table')
      .evaluate((table) => table.scrollTo({ top: table.scrollHeight }));
    await page.waitForFunction(
      () =>
        document.querySelectorAll('[data-run-id]').length > 0 &&
        /1,100 runs/.test(document.querySelector('.selection-bar')?.textContent ?? ''),
      undefined,
      { polling: 'raf', timeout: 30_000 },
    );
    const nextPageMs = (await page.evaluate(() => performance.now())) - scrolledAt;
    const rowsInDomAfter = await page.locator('[data-testid="run-row"]').count();

    // Chart: 10 runs × POINTS steps of `loss`, downsampled on the server to at most 2,000 per run.
    const chartUrl = `${registry.url}/experiments/${chartsId}/charts?runs=${runIds.join(',')}&metric=loss`;
    const chartCold = await loadToMark(page, chartUrl, CHART_DRAWN);
    const chartReloads: number[] = [];
    for (let i = 0; i < REPEATS; i += 1)
      chartReloads.push(await loadToMark(page, chartUrl, CHART_DRAWN, { reload: true }));
    const seriesMs = await lastResponseMs(page, 'get-history-downsampled');
    const shownPoints = Number(
      await page.locator('figure.metric-chart').getAttribute('data-points'),
    );
    const note = (await page.getByTestId('chart-note').innerText()).split('.')[0];

    // Every point (no downsampling): the fallback a user asks for with "Show all points".
    const allPoints = CHART_RUNS * POINTS;
    // Polled from here: a helper function inside page.evaluate would carry tsx's __name and fail there.
    const clickedAt = await page.evaluate(() => performance.now());
    await page.getByRole('button', { name: 'Show all points' }).click();
    await page.waitForFunction(
      (expected) =>
        document.querySelector('figure.metric-chart')?.getAttribute('data-points') ===
        String(expected),
      allPoints,
      { polling: 'raf', timeout: 60_000 },
    );
    const drawnAt = await page.evaluate(
      () =>
        new Promise<number>((resolve) =>
          requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now()))),
        ),
    );
    const allPointsMs = drawnAt - clickedAt;

    const runsMedian = median(runsReloads);
    const chartMedian = median(chartReloads);
    console.log(
      `registry UI bench · headless ${version} · ${REPEATS} repeats · target ≤ ${TARGET_MS} ms each`,
    );
    console.log(
      `  seeded ${RUNS.toLocaleString('en-US')} runs (SQL) in ${seconds(sweepSeconds)}; ${CHART_RUNS} × ${POINTS.toLocaleString('en-US')} points (API) in ${seconds(historySeconds)}`,
    );
    console.log(
      `  runs table, first page of ${RUNS.toLocaleString('en-US')} runs: reload median ${ms(runsMedian)} (${runsReloads.map(ms).join(', ')}), cold ${ms(runsCold)} (assets loaded at ${ms(coldAssetsMs)}, runs/search ${ms(coldSearchMs)}), in-app click median ${ms(median(runsClicks))}; runs/search on reload ${ms(searchMs)}; ${rowsInDom} rows in the DOM  ${verdict(runsMedian)}`,
    );
    console.log(
      `  runs table, next 1,000 runs on scrolling to the end: ${ms(nextPageMs)}; ${rowsInDomAfter} rows in the DOM with 1,100 loaded`,
    );
    console.log(
      `  metric chart, ${CHART_RUNS} runs × ${POINTS.toLocaleString('en-US')} points: reload median ${ms(chartMedian)} (${chartReloads.map(ms).join(', ')}), cold ${ms(chartCold)}; get-history-downsampled ${ms(seriesMs)}; ${shownPoints.toLocaleString('en-US')} points drawn ("${note}")  ${verdict(chartMedian)}`,
    );
    console.log(
      `  metric chart, all ${allPoints.toLocaleString('en-US')} points (Show all points): ${ms(allPointsMs)} from click to drawn`,
    );
    if (runsMedian > TARGET_MS || chartMedian > TARGET_MS) process.exitCode = 1;
  } finally {
    for (const cleanup of cleanups)
      await cleanup().catch((error: unknown) => console.error('cleanup failed:', error));
  }
}

await main();
