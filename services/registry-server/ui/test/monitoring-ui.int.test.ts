import {
  createBucket,
  createPgPool,
  createSchema,
  createTopic,
  deleteBucket,
  deleteTopic,
  dropSchema,
  freePort,
  schemaConnectionString,
  test as infraTest,
  uniqueName,
  type ServiceProcess,
} from '@payments-mlops/test-infra';
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import {
  MONITORED_WEEKS,
  ensureUiBuilt,
  openTestPage,
  screenshot,
  seedMonitoredVersion,
  startLiveMonitor,
  startLiveRegistry,
  untilLogged,
  type LiveRegistry,
  type TestPage,
  type MonitoredVersion,
} from './support/index.js';

/*
 * The Monitoring tab over real processes: registry-server and model-monitor, each its own process,
 * on one fresh Postgres schema (the registry's tables, the warehouse's label tables and the
 * prediction log), a fresh MinIO bucket and a fresh Kafka topic the monitor's sink reads. One
 * Chromium page for the file: the second test stops the monitor under the open page.
 */
const test = infraTest
  .extend('schema', { scope: 'file' }, async ({ pgAdmin }, { onCleanup }) => {
    const schema = uniqueName('monui');
    await createSchema(pgAdmin, schema);
    onCleanup(() => dropSchema(pgAdmin, schema));
    return schema;
  })
  .extend('pool', { scope: 'file' }, ({ infra, schema }, { onCleanup }) => {
    const pool = createPgPool(schemaConnectionString(infra.warehouseDatabaseUrl, schema));
    onCleanup(() => pool.end());
    return pool;
  })
  .extend('topic', { scope: 'file' }, async ({ kafkaCluster }, { onCleanup }) => {
    const topic = uniqueName('monui', '-');
    await createTopic(kafkaCluster.admin, topic);
    onCleanup(() => deleteTopic(kafkaCluster.admin, topic));
    return topic;
  })
  .extend('monitorPort', { scope: 'file' }, () => freePort())
  .extend('bucket', { scope: 'file' }, async ({ s3Admin }, { onCleanup }) => {
    const bucket = uniqueName('monui', '-');
    await createBucket(s3Admin, bucket);
    onCleanup(() => deleteBucket(s3Admin, bucket));
    return bucket;
  })
  .extend(
    'registry',
    { scope: 'file' },
    async ({ infra, bucket, schema, monitorPort }, { onCleanup }): Promise<LiveRegistry> => {
      await ensureUiBuilt();
      const registry = await startLiveRegistry({
        databaseUrl: schemaConnectionString(infra.warehouseDatabaseUrl, schema),
        s3: { ...infra.s3, bucket },
        env: { MODEL_MONITOR_URL: `http://127.0.0.1:${monitorPort}` },
      });
      onCleanup(() => registry.stop());
      return registry;
    },
  )
  .extend(
    'seeded',
    { scope: 'file' },
    ({ registry, pool, kafkaCluster, topic }): Promise<MonitoredVersion> =>
      seedMonitoredVersion({ client: registry.client, pool, kafka: kafkaCluster.kafka, topic }),
  )
  .extend(
    'monitor',
    { scope: 'file' },
    async (
      { registry, schema, topic, monitorPort, pool, seeded },
      { onCleanup },
    ): Promise<ServiceProcess> => {
      const monitor = await startLiveMonitor({
        registryUrl: registry.url,
        schema,
        topic,
        port: monitorPort,
      });
      onCleanup(() => monitor.stop());
      await untilLogged(pool, seeded.predictions);
      return monitor;
    },
  )
  // vitest reads what a fixture needs from this pattern; the browser needs no other fixture.
  // eslint-disable-next-line no-empty-pattern
  .extend('browser', { scope: 'file' }, async ({}, { onCleanup }): Promise<TestPage> => {
    const opened = await openTestPage();
    onCleanup(() => opened.close());
    return opened;
  });

/** The drift table's rows as the user reads them, top to bottom. */
async function driftRows(page: Page): Promise<string[]> {
  return page
    .getByRole('table', { name: 'Feature drift' })
    .locator('tbody tr')
    .evaluateAll((rows) =>
      rows.map((row) => (row as HTMLElement).innerText.replace(/\s+/g, ' ').trim()),
    );
}

const featureOf = (row: string) => row.split(' ')[0]!;

describe('a model version’s Monitoring tab in headless Chromium', { timeout: 180_000 }, () => {
  test('shows the dataset drift verdict, drifted features flagged and first, performance per window against the test value, and the alert conditions', async ({
    browser,
    registry,
    seeded,
    monitor: _monitor,
  }) => {
    const { page } = browser;
    await page.goto(`${registry.url}/models/${seeded.model}/versions/${seeded.version}`);
    await page
      .getByRole('navigation', { name: 'Version views' })
      .getByRole('link', { name: 'Monitoring' })
      .click();
    await page.waitForURL(`**/models/${seeded.model}/versions/${seeded.version}/monitoring`);

    const summary = page.getByTestId('drift-summary');
    await summary.waitFor();
    expect(await summary.innerText()).toMatch(
      /^Dataset drift\s+4 of 7 features drifted \(57 %\) · 200 predictions from /,
    );

    await expect.poll(() => driftRows(page)).toHaveLength(7);
    const rows = await driftRows(page);
    expect(rows.slice(0, 4).map(featureOf).sort()).toEqual([...seeded.driftedFeatures].sort());
    for (const row of rows.slice(0, 4)) expect(row).toContain(' drifted ');
    for (const row of rows.slice(4)) expect(row).toMatch(/ no /);
    const byFeature = new Map(rows.map((row) => [featureOf(row), row]));
    expect(byFeature.get('amount_cents')).toMatch(
      /^amount_cents numeric Wasserstein \(normed\) [\d.]+ > 0\.1 drifted/,
    );
    expect(byFeature.get('channel')).toMatch(
      /^channel categorical Jensen-Shannon [\d.]+ > 0\.1 drifted/,
    );
    expect(byFeature.get('device_age_days')).toMatch(
      /^device_age_days numeric K-S test [\de.-]+ < 0\.05 drifted/,
    );
    expect(byFeature.get('card_country')).toMatch(
      /^card_country categorical Chi-squared test [\d.]+ < 0\.05 no/,
    );

    // Sorting: by name, then by PSI (largest first).
    const table = page.getByRole('table', { name: 'Feature drift' });
    await table.getByRole('button', { name: 'Feature' }).click();
    expect((await driftRows(page)).map(featureOf)).toEqual(
      [...seeded.driftedFeatures, ...seeded.stableFeatures].sort(),
    );
    await table.getByRole('button', { name: 'PSI' }).click();
    const psi = (await driftRows(page)).map((row) => Number(row.split(' ').at(-4)));
    expect(psi).toEqual([...psi].sort((a, b) => b - a));

    const performance = page.getByTestId('performance-summary');
    await performance.waitFor();
    expect(await performance.innerText()).toMatch(
      /^pr_auc [\d.]+ on [\d,]+ labelled predictions .* test value 0\.8 · \d+ % below test · CBPE estimate: ROC AUC [\d.]+/,
    );
    const chart = page.getByTestId('performance-chart');
    await chart.locator('canvas').waitFor();
    const legend = await chart.locator('.u-legend').innerText();
    for (const series of ['PR AUC (labelled)', 'Test value', '10 % degradation'])
      expect(legend).toContain(series);
    await page.getByLabel('Metric').selectOption('roc_auc');
    await expect
      .poll(() => chart.locator('.u-legend').innerText())
      .toContain('ROC AUC (CBPE estimate)');
    await page.getByText('Figures per window').click();
    const windows = await page
      .getByRole('table', { name: 'Performance per window' })
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).innerText.replace(/\s+/g, ' ')));
    expect(windows).toHaveLength(MONITORED_WEEKS);
    // Newest first: two weeks still waiting for their chargebacks, then weeks with labels.
    expect(windows[0]).toMatch(/ 0 0 — — — — /);
    expect(windows[1]).toMatch(/ 0 0 — — — — /);
    expect(windows[4]).toMatch(/ 300 30 [\d.]+ [\d.]+ [\d.]+ [\d.]+ /);

    const alerts = await page.getByTestId('alert').allInnerTexts();
    expect(alerts[0]).toMatch(/critical\s+ModelDatasetDrift/);
    expect(alerts.find((a) => a.includes('ModelPrimaryMetricDegraded'))).toMatch(
      /critical .*pr_auc .* below its test value 0\.8.*starts retraining/,
    );
    expect(alerts.filter((a) => a.includes('ModelFeatureDrift'))).toHaveLength(4);
    expect(await page.getByRole('region', { name: 'Alerts' }).innerText()).toContain(
      'not read from Alertmanager',
    );
    await screenshot(page, 'monitoring');
    expect(browser.pageErrors).toEqual([]);
  });

  test('says model-monitor is not reachable at its URL once it stops, while the version’s overview still works', async ({
    browser,
    seeded,
    monitor,
    monitorPort,
  }) => {
    const { page } = browser;
    await monitor.stop();
    await page.reload();
    const away = page.getByTestId('monitor-unreachable');
    await away.waitFor();
    const text = await away.innerText();
    expect(text).toContain('Model monitor not reachable');
    expect(text).toContain(`model-monitor is not reachable at http://127.0.0.1:${monitorPort}`);
    await screenshot(page, 'monitoring-unreachable');

    await page
      .getByRole('navigation', { name: 'Version views' })
      .getByRole('link', { name: 'Overview' })
      .click();
    await page.getByTestId('lineage-version').waitFor();
    expect(await page.getByTestId('lineage-version').innerText()).toContain(
      `${seeded.model} v${seeded.version}`,
    );
    expect(browser.pageErrors).toEqual([]);
  });
});
