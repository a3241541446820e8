import {
  createBucket,
  createSchema,
  deleteBucket,
  dropSchema,
  schemaConnectionString,
  test as infraTest,
  uniqueName,
} from '@payments-mlops/test-infra';
import type { Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import {
  ensureUiBuilt,
  openTestPage,
  screenshot,
  seedRegistry,
  startLiveRegistry,
  type LiveRegistry,
  type TestPage,
  type SeededRegistry,
} from './support/index.js';

/*
 * One live registry-server (its own process, on a fresh Postgres schema and a fresh MinIO bucket),
 * one seeded registry and one Chromium page for the whole file: each test continues in the same
 * browser, as a user would, and the two cores are not spent starting servers and browsers per test.
 */
const test = infraTest
  .extend('registryDatabase', { scope: 'file' }, async ({ infra, pgAdmin }, { onCleanup }) => {
    const schema = uniqueName('ui');
    await createSchema(pgAdmin, schema);
    onCleanup(() => dropSchema(pgAdmin, schema));
    return schemaConnectionString(infra.warehouseDatabaseUrl, schema);
  })
  .extend('artifactBucket', { scope: 'file' }, async ({ s3Admin }, { onCleanup }) => {
    const bucket = uniqueName('ui', '-');
    await createBucket(s3Admin, bucket);
    onCleanup(() => deleteBucket(s3Admin, bucket));
    return bucket;
  })
  .extend(
    'registry',
    { scope: 'file' },
    async ({ infra, registryDatabase, artifactBucket }, { onCleanup }): Promise<LiveRegistry> => {
      await ensureUiBuilt();
      const registry = await startLiveRegistry({
        databaseUrl: registryDatabase,
        s3: { ...infra.s3, bucket: artifactBucket },
      });
      onCleanup(() => registry.stop());
      return registry;
    },
  )
  .extend('seeded', { scope: 'file' }, ({ registry }): Promise<SeededRegistry> =>
    seedRegistry(registry.client),
  )
  // vitest reads what a fixture needs from this pattern; the browser needs no other fixture.
  // eslint-disable-next-line no-empty-pattern
  .extend('browser', { scope: 'file' }, async ({}, { onCleanup }): Promise<TestPage> => {
    const opened = await openTestPage();
    onCleanup(() => opened.close());
    return opened;
  });

/** Opens an experiment's runs table and waits for its first `rows` runs. */
async function openRuns(page: Page, url: string, rows: number): Promise<void> {
  await page.goto(url);
  await expect.poll(() => rowTexts(page)).toHaveLength(rows);
}

/** Texts of the cells of a virtualized row, as the user sees them. */
async function rowTexts(page: Page): Promise<string[]> {
  return page
    .locator('[data-testid="run-row"]')
    .evaluateAll((rows) =>
      rows.map((row) => (row as HTMLElement).innerText.replace(/\s+/g, ' ').trim()),
    );
}

// The first test also builds the UI when its sources changed, starts the server and seeds it.
describe('registry UI in headless Chromium', { timeout: 120_000 }, () => {
  test('goes from the experiments list to a run, its overview and its artifacts, previewing JSON, CSV with its plot, text and an image', async ({
    browser,
    registry,
    seeded,
  }) => {
    const { page } = browser;
    await page.goto(`${registry.url}/`);
    await page.waitForURL(/\/experiments$/);
    const experiments = page.getByTestId('experiments-table');
    await experiments.getByRole('link', { name: seeded.experimentName }).waitFor();
    expect(await experiments.innerText()).toContain(seeded.emptyExperimentName);
    await screenshot(page, 'experiments');

    await experiments.getByRole('link', { name: seeded.experimentName }).click();
    await page.getByRole('heading', { level: 1, name: seeded.experimentName }).waitFor();
    await expect.poll(() => rowTexts(page)).toHaveLength(3);
    const rows = await rowTexts(page);
    // Newest first, the default order; metric and param columns from the logged keys.
    expect(rows[0]).toContain(seeded.failed.name);
    expect(rows[1]).toContain(seeded.deeper.name);
    expect(rows[1]).toContain('0.934');
    expect(rows[2]).toContain(seeded.baseline.name);
    expect(rows[2]).toMatch(/finished .*ana/);
    await screenshot(page, 'runs');

    await page.getByRole('link', { name: seeded.baseline.name }).click();
    await page.waitForURL(`**/runs/${seeded.baseline.id}`);
    const overview = page.getByTestId('run-overview');
    await overview.waitFor();
    const facts = await overview.innerText();
    expect(facts).toContain(seeded.baseline.id);
    expect(facts).toContain('1 h 23 min');
    expect(facts).toContain('ana');
    expect(facts).toContain('services/trainer/src/main.ts');
    expect(await page.getByTestId('run-commit').innerText()).toContain(
      seeded.baseline.lineage!.code.commit!,
    );
    const params = await page.getByRole('table', { name: 'Parameters' }).innerText();
    expect(params).toMatch(/max_depth\s+6/);
    expect(params).toMatch(/learning_rate\s+0\.1/);
    expect(await page.getByRole('table', { name: 'Metrics' }).innerText()).toMatch(
      /auc\s+0\.912\s+49/,
    );
    expect(await page.getByRole('table', { name: 'Dataset inputs' }).innerText()).toContain(
      'fraud_training',
    );
    expect(await page.getByTestId('run-versions').innerText()).toContain(
      `${seeded.model} version 1`,
    );
    await screenshot(page, 'run');

    await page.getByRole('link', { name: 'Artifacts' }).click();
    await page.waitForURL(`**/runs/${seeded.baseline.id}/artifacts`);
    const tree = page.getByRole('tree', { name: 'Artifacts' });
    await tree.getByRole('button', { name: /metrics\.json/ }).click();
    const preview = page.getByTestId('artifact-preview');
    await expect.poll(() => preview.getAttribute('data-kind')).toBe('json');
    expect(await preview.locator('pre').innerText()).toBe(
      JSON.stringify({ auc: 0.912, logloss: 0.231, threshold: 0.42 }, null, 2),
    );

    await tree.getByRole('button', { name: /roc_curve\.csv/ }).click();
    await expect.poll(() => preview.getAttribute('data-kind')).toBe('table');
    await page.getByTestId('artifact-plot').locator('canvas').waitFor();
    expect(await preview.getByRole('table', { name: 'File contents' }).innerText()).toMatch(
      /0\.1\s+0\.77/,
    );

    await tree.getByRole('button', { name: 'model/' }).click();
    await tree.getByRole('button', { name: /MLmodel/ }).click();
    await expect.poll(() => preview.getAttribute('data-kind')).toBe('text');
    expect(await preview.locator('pre').innerText()).toContain('onnx_version: 1.17.0');
    await tree.getByRole('button', { name: /model\.onnx/ }).click();
    await expect.poll(() => preview.getAttribute('data-kind')).toBe('binary');

    await tree.getByRole('button', { name: 'plots/' }).click();
    await tree.getByRole('button', { name: /roc\.svg/ }).click();
    const image = preview.getByRole('img', { name: 'plots/roc.svg' });
    await image.waitFor();
    await expect
      .poll(() => image.evaluate((element) => (element as HTMLImageElement).naturalWidth))
      .toBe(240);
    await screenshot(page, 'artifacts');
    expect(browser.pageErrors).toEqual([]);
  });

  test('searches runs with the filter grammar, sorts by a metric column, shows deleted runs, and explains a bad filter', async ({
    browser,
    registry,
    seeded,
  }) => {
    const { page } = browser;
    await openRuns(page, `${registry.url}/experiments/${seeded.experimentId}`, 3);

    const search = page.getByRole('searchbox', { name: /Search runs/ });
    await page.keyboard.press('/');
    await expect
      .poll(() => search.evaluate((element) => element === document.activeElement))
      .toBe(true);
    await search.fill("metrics.auc > 0.9 AND params.max_depth = '6'");
    await search.press('Enter');
    // The filtered list itself, not a moment of the old one: the three unfiltered rows also hold
    // the baseline's name, and the table is briefly empty while the filtered page loads.
    await expect.poll(() => rowTexts(page)).toEqual([expect.stringContaining(seeded.baseline.name)]);

    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    await expect.poll(() => rowTexts(page)).toHaveLength(3);
    await page.getByRole('columnheader', { name: 'auc' }).getByRole('button').click();
    await expect
      .poll(async () => (await rowTexts(page)).map((row) => row.split(' ')[0]))
      .toEqual([seeded.deeper.name, seeded.baseline.name, seeded.failed.name]);
    expect(await page.getByRole('columnheader', { name: 'auc' }).getAttribute('aria-sort')).toBe(
      'descending',
    );
    await page.getByRole('columnheader', { name: 'auc' }).getByRole('button').click();
    await expect.poll(async () => (await rowTexts(page))[0]).toContain(seeded.failed.name);

    await page.getByTestId('view-toggle').getByText('Deleted').click();
    await expect.poll(() => rowTexts(page)).toEqual([expect.stringContaining(seeded.deletedRunName)]);
    expect((await rowTexts(page))[0]).toContain('deleted');
    await page.getByTestId('view-toggle').getByText('Active').click();

    await search.fill('metrics.auc >> 1');
    await search.press('Enter');
    const problem = page.getByRole('alert');
    await problem.waitFor();
    expect(await problem.innerText()).toContain('The search failed');
    expect(await problem.innerText()).toContain('INVALID_PARAMETER_VALUE');
    await screenshot(page, 'runs-bad-filter');
    expect(browser.pageErrors).toEqual([]);
  });

  test('charts a long metric history downsampled on the server and says so, and overlays runs', async ({
    browser,
    registry,
    seeded,
  }) => {
    const { page } = browser;
    await page.goto(`${registry.url}/runs/${seeded.deeper.id}/metrics?metric=loss`);
    const chart = page.locator('figure.metric-chart[data-metric="loss"]');
    await expect.poll(() => chart.getAttribute('data-state')).toBe('drawn');
    const note = await page.getByTestId('chart-note').innerText();
    expect(note).toContain('Downsampled on the server');
    expect(note).toContain(`of ${seeded.longHistorySteps.toLocaleString('en-US')} points`);
    expect(Number(await chart.getAttribute('data-points'))).toBeLessThanOrEqual(2000);

    await page.getByRole('button', { name: 'Show all points' }).click();
    await expect
      .poll(() => chart.getAttribute('data-points'))
      .toBe(String(seeded.longHistorySteps));
    expect(await page.getByTestId('chart-note').innerText()).toContain(
      `All ${seeded.longHistorySteps.toLocaleString('en-US')} points shown`,
    );

    await page.goto(
      `${registry.url}/experiments/${seeded.experimentId}/charts?runs=${seeded.baseline.id},${seeded.deeper.id}&metric=auc`,
    );
    const overlay = page.locator('figure.metric-chart[data-metric="auc"]');
    await expect.poll(() => overlay.getAttribute('data-state')).toBe('drawn');
    const legend = await overlay.locator('.u-legend').innerText();
    expect(legend).toContain(seeded.baseline.name);
    expect(legend).toContain(seeded.deeper.name);
    expect(await overlay.getAttribute('data-points')).toBe('100');
    await screenshot(page, 'charts');
    expect(browser.pageErrors).toEqual([]);
  });

  test('compares two selected runs side by side with their differences marked and a parallel-coordinates plot', async ({
    browser,
    registry,
    seeded,
  }) => {
    const { page } = browser;
    await openRuns(page, `${registry.url}/experiments/${seeded.experimentId}`, 3);
    await page.getByRole('checkbox', { name: `Select ${seeded.baseline.name}` }).check();
    await page.getByRole('checkbox', { name: `Select ${seeded.deeper.name}` }).check();
    await page.getByTestId('compare-button').click();
    await page.waitForURL(/\/compare\?runs=/);
    await page.getByRole('heading', { level: 1, name: 'Comparing 2 runs' }).waitFor();

    const params = page.getByTestId('compare-parameters');
    const differing = await params.locator('tr[data-differs="true"] th').allInnerTexts();
    expect(differing.map((text) => text.replace('(differs)', '').trim())).toEqual([
      'learning_rate',
      'max_depth',
      'num_trees',
    ]);
    expect(await params.locator('tr[data-differs="false"] th').allInnerTexts()).toEqual([
      'objective',
    ]);
    expect(await params.locator('tr', { hasText: 'max_depth' }).innerText()).toMatch(
      /max_depth.*\s6\s+8/s,
    );
    expect(
      await page.getByTestId('compare-metrics').locator('tr', { hasText: 'auc' }).innerText(),
    ).toMatch(/0\.912\s+0\.934/);

    const parallel = page.getByTestId('parallel-coordinates');
    expect(await parallel.locator('polyline').count()).toBe(2);
    expect(await parallel.locator('svg').getAttribute('aria-label')).toContain('max_depth');

    await page.getByRole('checkbox', { name: 'Only differences' }).check();
    expect(await params.locator('tbody tr').count()).toBe(3);
    await screenshot(page, 'compare');
    expect(browser.pageErrors).toEqual([]);
  });

  test('lists registered models, opens a version, follows its lineage to the training run', async ({
    browser,
    registry,
    seeded,
  }) => {
    const { page } = browser;
    await page.goto(`${registry.url}/experiments`);
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Models' })
      .click();
    const models = page.getByTestId('models-table');
    await models.waitFor();
    const fraudRow = models.locator('tr', { hasText: seeded.model });
    expect(await fraudRow.innerText()).toMatch(/Version 2/);
    expect(await fraudRow.innerText()).toContain('@champion → v1');
    expect(await fraudRow.innerText()).toContain('@challenger → v2');
    expect(await fraudRow.innerText()).toContain('team: risk');
    expect(await models.innerText()).toContain('churn-model');
    await screenshot(page, 'models');

    await models.getByRole('link', { name: seeded.model }).click();
    const versions = page.getByTestId('versions-table');
    await versions.waitFor();
    expect(await versions.locator('tbody tr').allInnerTexts()).toEqual([
      expect.stringMatching(/^Version 2\s+None\s+@challenger/),
      expect.stringMatching(/^Version 1\s+Production\s+@champion/),
    ]);
    await screenshot(page, 'model');

    await versions.getByRole('link', { name: 'Version 1' }).click();
    await page.getByRole('heading', { level: 1, name: `${seeded.model} version 1` }).waitFor();
    const lineage = seeded.baseline.lineage!;
    expect(await page.getByTestId('lineage-dataset').innerText()).toContain(
      lineage.dataset_snapshot.digest,
    );
    expect(await page.getByTestId('lineage-dataset').innerText()).toContain(
      lineage.dataset_snapshot.location,
    );
    expect(await page.getByTestId('lineage-feature-service').innerText()).toMatch(
      /fraud_scoring\s+definitions version\s+7/,
    );
    expect(await page.getByTestId('lineage-code').innerText()).toContain(lineage.code.commit!);
    expect(await page.getByTestId('lineage-run').innerText()).toContain(seeded.baseline.name);
    expect(await page.getByRole('table', { name: 'Training parameters' }).innerText()).toMatch(
      /num_trees\s+200/,
    );
    await screenshot(page, 'version');

    await page.getByTestId('lineage-run').getByRole('link', { name: seeded.baseline.name }).click();
    await page.waitForURL(`**/runs/${seeded.baseline.id}`);
    await page.getByRole('heading', { level: 1, name: seeded.baseline.name }).waitFor();
    expect(browser.pageErrors).toEqual([]);
  });

  test('moves an alias to another version with a write token kept in the browser, and cannot without one', async ({
    browser,
    registry,
    seeded,
  }) => {
    const { page } = browser;
    await page.goto(`${registry.url}/models/${seeded.model}/versions/2`);
    const editor = page.getByTestId('alias-editor');
    await editor.waitFor();
    const move = editor.getByRole('button', { name: 'Move @champion here' });
    expect(await editor.innerText()).toContain('Changing aliases needs a token with write access');
    expect(await move.isDisabled()).toBe(true);

    await page.getByTestId('token-button').click();
    await page.getByTestId('token-input').fill(registry.writeToken);
    // Enter in the field saves, as the dialog's first button.
    await page.getByTestId('token-input').press('Enter');
    await expect.poll(() => page.getByTestId('token-button').innerText()).toBe('Token set');
    await move.click();
    await expect
      .poll(() => page.getByTestId('alias-outcome').innerText())
      .toBe('@champion now points at version 2.');
    await expect
      .poll(() => page.getByTestId('version-alias').allInnerTexts())
      .toEqual(['@challenger', '@champion']);
    const { model_version: champion } = await registry.client.api.getModelVersionByAlias({
      name: seeded.model,
      alias: 'champion',
    });
    expect(champion.version).toBe('2');
    await screenshot(page, 'alias-moved');

    // The token survives a reload: it lives in this browser's storage.
    await page.reload();
    expect(await page.getByTestId('token-button').innerText()).toBe('Token set');

    // A token the registry does not know is refused, and the editor says so.
    await page.evaluate(() =>
      window.localStorage.setItem('registry-ui.token', 'not-a-token-of-this-registry'),
    );
    await page.reload();
    await page.getByTestId('alias-input').fill('shadow');
    await page.getByRole('button', { name: 'Point at version 2' }).click();
    await expect
      .poll(() => page.getByTestId('alias-outcome').innerText())
      .toContain('does not accept the token');
    expect(
      (
        await registry.client.api.getRegisteredModel({ name: seeded.model })
      ).registered_model.aliases?.map((alias) => alias.alias),
    ).not.toContain('shadow');
    expect(browser.pageErrors).toEqual([]);
  });

  test('shows empty and error states instead of blank pages', async ({ browser, registry }) => {
    const { page } = browser;
    const emptyId = (
      await registry.client.api.getExperimentByName({ experiment_name: 'churn-prediction' })
    ).experiment.experiment_id;
    await page.goto(`${registry.url}/experiments/${emptyId}`);
    await page.getByText('No runs in this experiment yet').waitFor();

    await page.goto(`${registry.url}/models/churn-model`);
    await page.getByText('No versions yet').waitFor();

    await page.goto(`${registry.url}/runs/does-not-exist`);
    const error = page.getByRole('alert');
    await error.waitFor();
    expect(await error.innerText()).toContain('RESOURCE_DOES_NOT_EXIST');
    await error.getByRole('button', { name: 'Try again' }).waitFor();

    await page.goto(`${registry.url}/models/no-such-model/versions/1`);
    await page.getByRole('alert').waitFor();

    await page.goto(`${registry.url}/compare?runs=only-one`);
    await page.getByText('Choose at least two runs to compare').waitFor();
    expect(browser.pageErrors).toEqual([]);
  });
});
