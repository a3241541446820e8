import { test } from '@payments-mlops/test-infra';
import { describe, expect } from 'vitest';
import { callApi, startTestRegistry, type TestRegistry } from '../testing/registry-harness.js';

interface VersionBody {
  model_version: { version: string; current_stage: string; aliases?: string[]; status: string; tags?: { key: string; value: string }[] };
}

async function modelWithVersions(registry: TestRegistry, name: string, count: number): Promise<void> {
  await callApi(registry.app, 'POST', '/registered-models/create', { name });
  for (let i = 0; i < count; i += 1) await callApi(registry.app, 'POST', '/model-versions/create', { name, source: `s3://models/${name}/${i}` });
}

describe('model registry API', () => {
  test("creates a version READY, with MLflow's empty strings for unset run_id, run_link and description", async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString, { now: () => 42 });
    try {
      await callApi(registry.app, 'POST', '/registered-models/create', { name: 'fraud' });
      const { body } = await callApi(registry.app, 'POST', '/model-versions/create', { name: 'fraud', source: 's3://models/fraud' });
      expect(body).toEqual({
        model_version: {
          name: 'fraud',
          version: '1',
          creation_timestamp: 42,
          last_updated_timestamp: 42,
          current_stage: 'None',
          description: '',
          source: 's3://models/fraud',
          run_id: '',
          run_link: '',
          status: 'READY',
        },
      });
    } finally {
      await registry.close();
    }
  });

  test('moves other versions to Archived when a transition asks to, and reports the latest per stage', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      await modelWithVersions(registry, 'churn', 3);
      await callApi(registry.app, 'POST', '/model-versions/transition-stage', { name: 'churn', version: '1', stage: 'Production', archive_existing_versions: false });
      const moved = await callApi<VersionBody>(registry.app, 'POST', '/model-versions/transition-stage', { name: 'churn', version: '2', stage: 'production', archive_existing_versions: true });
      expect(moved.body.model_version.current_stage).toBe('Production');
      const first = await callApi<VersionBody>(registry.app, 'GET', '/model-versions/get', { name: 'churn', version: '1' });
      expect(first.body.model_version.current_stage).toBe('Archived');
      const latest = await callApi<{ model_versions: VersionBody['model_version'][] }>(registry.app, 'GET', '/registered-models/get-latest-versions', { name: 'churn', stages: ['Production', 'None'] });
      expect(latest.body.model_versions.map((v) => [v.version, v.current_stage])).toEqual([
        ['2', 'Production'],
        ['3', 'None'],
      ]);
      const invalid = await callApi(registry.app, 'POST', '/model-versions/transition-stage', { name: 'churn', version: '3', stage: 'Shipped', archive_existing_versions: false });
      expect(invalid.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid Model Version stage: Shipped. Value must be one of None, Staging, Production, Archived.' });
    } finally {
      await registry.close();
    }
  });

  test('deleting a version removes its aliases and never reuses its number', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      await modelWithVersions(registry, 'retry', 2);
      await callApi(registry.app, 'POST', '/registered-models/alias', { name: 'retry', alias: 'champion', version: '2' });
      const deleted = await callApi(registry.app, 'DELETE', '/model-versions/delete', { name: 'retry', version: '2' });
      expect(deleted).toMatchObject({ status: 200, body: {} });
      const alias = await callApi(registry.app, 'GET', '/registered-models/alias', { name: 'retry', alias: 'champion' });
      expect(alias.body).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Registered model alias champion not found.' });
      const next = await callApi<VersionBody>(registry.app, 'POST', '/model-versions/create', { name: 'retry', source: 's3://m' });
      expect(next.body.model_version.version).toBe('3');
    } finally {
      await registry.close();
    }
  });

  test('refuses reserved and malformed aliases, and aliases of missing versions', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      await modelWithVersions(registry, 'fraud', 1);
      for (const [alias, message] of [
        ['latest', "'latest' alias name (case insensitive) is reserved."],
        ['V3', "Version alias name 'V3' is reserved."],
        ['has space', "Invalid alias name: 'has space'. Names may only contain alphanumerics, underscores (_), and dashes (-)."],
      ] as const) {
        const response = await callApi(registry.app, 'POST', '/registered-models/alias', { name: 'fraud', alias, version: '1' });
        expect(response.body, alias).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message });
      }
      const missing = await callApi(registry.app, 'POST', '/registered-models/alias', { name: 'fraud', alias: 'champion', version: '9' });
      expect(missing).toMatchObject({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    } finally {
      await registry.close();
    }
  });

  test('renames a model with its versions, tags and aliases', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      await modelWithVersions(registry, 'old', 2);
      await callApi(registry.app, 'POST', '/model-versions/set-tag', { name: 'old', version: '1', key: 'validated', value: 'yes' });
      await callApi(registry.app, 'POST', '/registered-models/alias', { name: 'old', alias: 'champion', version: '1' });
      const renamed = await callApi(registry.app, 'POST', '/registered-models/rename', { name: 'old', new_name: 'new' });
      expect(renamed.body).toMatchObject({ registered_model: { name: 'new', aliases: [{ alias: 'champion', version: '1' }] } });
      const version = await callApi<VersionBody>(registry.app, 'GET', '/registered-models/alias', { name: 'new', alias: 'champion' });
      expect(version.body.model_version).toMatchObject({ version: '1', tags: [{ key: 'validated', value: 'yes' }] });
      expect((await callApi(registry.app, 'GET', '/registered-models/get', { name: 'old' })).status).toBe(404);
    } finally {
      await registry.close();
    }
  });

  test('reads JSON bodies on DELETE, as MLflow\'s client sends them', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      await modelWithVersions(registry, 'fraud', 1);
      await callApi(registry.app, 'POST', '/registered-models/set-tag', { name: 'fraud', key: 'team', value: 'risk' });
      expect((await callApi(registry.app, 'DELETE', '/registered-models/delete-tag', { name: 'fraud', key: 'team' })).status).toBe(200);
      const model = await callApi(registry.app, 'GET', '/registered-models/get', { name: 'fraud' });
      expect(model.body).not.toHaveProperty('registered_model.tags');
      const missing = await callApi(registry.app, 'DELETE', '/registered-models/delete', {});
      expect(missing.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining("'name'") });
    } finally {
      await registry.close();
    }
  });

  test("leaves prompts out of model searches, as MLflow's client asks with its is_prompt filter", async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      await callApi(registry.app, 'POST', '/registered-models/create', { name: 'a-model' });
      await callApi(registry.app, 'POST', '/registered-models/create', { name: 'a-prompt', tags: [{ key: 'mlflow.prompt.is_prompt', value: 'true' }] });
      const names = async (filter: string) =>
        ((await callApi<{ registered_models?: { name: string }[] }>(registry.app, 'GET', '/registered-models/search', { filter })).body.registered_models ?? []).map((m) => m.name);
      expect(await names("tags.`mlflow.prompt.is_prompt` != 'true'")).toEqual(['a-model']);
      expect(await names("tag.`mlflow.prompt.is_prompt` = 'true'")).toEqual(['a-prompt']);
      expect(await names("name LIKE 'a-%'")).toEqual(['a-model']);
    } finally {
      await registry.close();
    }
  });

  test('searches versions by run_id list and orders by version number, paging with tokens', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      await callApi(registry.app, 'POST', '/registered-models/create', { name: 'm' });
      for (const runId of ['r1', 'r2', 'r3']) await callApi(registry.app, 'POST', '/model-versions/create', { name: 'm', source: 's3://m', run_id: runId });
      const first = await callApi<{ model_versions: { version: string }[]; next_page_token?: string }>(registry.app, 'GET', '/model-versions/search', {
        filter: "run_id IN ('r1', 'r3')",
        order_by: ['version_number ASC'],
        max_results: 1,
      });
      expect(first.body.model_versions.map((v) => v.version)).toEqual(['1']);
      const second = await callApi<{ model_versions: { version: string }[]; next_page_token?: string }>(registry.app, 'GET', '/model-versions/search', {
        filter: "run_id IN ('r1', 'r3')",
        order_by: ['version_number ASC'],
        max_results: 1,
        page_token: first.body.next_page_token,
      });
      expect(second.body.model_versions.map((v) => v.version)).toEqual(['3']);
      expect(second.body.next_page_token).toBeUndefined();
    } finally {
      await registry.close();
    }
  });
});
