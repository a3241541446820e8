import { test } from '@payments-mlops/test-infra';
import { describe, expect } from 'vitest';
import { callApi, startTestRegistry } from '../testing/registry-harness.js';

describe('experiments API', () => {
  test('creates an experiment and reads it back by id and by name, with MLflow\'s artifact location', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString, { now: () => 1_700_000_000_000 });
    try {
      const created = await callApi(registry.app, 'POST', '/experiments/create', { name: 'fraud', tags: [{ key: 'team', value: 'risk' }] });
      expect(created).toMatchObject({ status: 200, body: { experiment_id: '1' } });

      const byId = await callApi(registry.app, 'GET', '/experiments/get', { experiment_id: '1' });
      expect(byId.body).toEqual({
        experiment: {
          experiment_id: '1',
          name: 'fraud',
          artifact_location: 'mlflow-artifacts:/1',
          lifecycle_stage: 'active',
          creation_time: 1_700_000_000_000,
          last_update_time: 1_700_000_000_000,
          tags: [{ key: 'team', value: 'risk' }],
        },
      });
      const byName = await callApi(registry.app, 'GET', '/experiments/get-by-name', { experiment_name: 'fraud' });
      expect(byName.body).toEqual(byId.body);
    } finally {
      await registry.close();
    }
  });

  test('has the Default experiment 0 from the start', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const response = await callApi(registry.app, 'GET', '/experiments/get', { experiment_id: '0' });
      expect(response.body).toMatchObject({ experiment: { experiment_id: '0', name: 'Default', artifact_location: 'mlflow-artifacts:/0' } });
    } finally {
      await registry.close();
    }
  });

  test('answers a second experiment with the same name with RESOURCE_ALREADY_EXISTS and status 400', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      await callApi(registry.app, 'POST', '/experiments/create', { name: 'dup' });
      const again = await callApi(registry.app, 'POST', '/experiments/create', { name: 'dup' });
      expect(again).toMatchObject({ status: 400, body: { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'Experiment(name=dup) already exists.' } });
    } finally {
      await registry.close();
    }
  });

  test('answers a missing name with INVALID_PARAMETER_VALUE naming the parameter', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const response = await callApi(registry.app, 'POST', '/experiments/create', {});
      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        error_code: 'INVALID_PARAMETER_VALUE',
        message: "Missing value for required parameter 'name'. See the API docs for more information about request parameters.",
      });
    } finally {
      await registry.close();
    }
  });

  test('refuses text holding a NUL character, which Postgres cannot store, with 400 naming the parameter', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const nul = 'fr\u0000aud';
      const byName = await callApi(registry.app, 'GET', '/experiments/get-by-name', { experiment_name: nul });
      expect(byName).toMatchObject({
        status: 400,
        body: { error_code: 'INVALID_PARAMETER_VALUE', message: "Invalid value for parameter 'experiment_name' supplied: must not contain the NUL character (U+0000)." },
      });
      const run = await callApi(registry.app, 'GET', '/runs/get', { run_id: nul });
      expect(run).toMatchObject({ status: 400, body: { message: expect.stringContaining("'run_id'") } });
      const tagged = await callApi(registry.app, 'POST', '/experiments/create', { name: 'fraud', tags: [{ key: 'team', value: nul }] });
      expect(tagged).toMatchObject({ status: 400, body: { message: expect.stringContaining("'tags[0].value'") } });
      // Nothing was written by the refused request.
      expect((await callApi(registry.app, 'GET', '/experiments/get-by-name', { experiment_name: 'fraud' })).status).toBe(404);
    } finally {
      await registry.close();
    }
  });

  test('keeps the last value of a tag key given twice at creation, as runs and models do (found by schemathesis)', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const created = await callApi<{ experiment_id: string }>(registry.app, 'POST', '/experiments/create', {
        name: 'twice',
        tags: [
          { key: 'team', value: 'risk' },
          { key: 'team', value: 'payments' },
        ],
      });
      expect(created.status).toBe(200);
      const read = await callApi(registry.app, 'GET', '/experiments/get', { experiment_id: created.body.experiment_id });
      expect(read.body).toMatchObject({ experiment: { tags: [{ key: 'team', value: 'payments' }] } });
    } finally {
      await registry.close();
    }
  });

  test('answers a known endpoint asked with another method with 405 and Allow, as MLflow\'s server does', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const response = await callApi(registry.app, 'DELETE', '/experiments/get');
      expect(response).toMatchObject({ status: 405, headers: { allow: 'GET, HEAD' }, body: { error_code: 'BAD_REQUEST' } });
      expect((await callApi(registry.app, 'DELETE', '/experiments/nope')).status).toBe(404);
    } finally {
      await registry.close();
    }
  });

  test('answers renaming a deleted experiment with INVALID_STATE and 409, not a 500 that clients would retry', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const { body } = await callApi<{ experiment_id: string }>(registry.app, 'POST', '/experiments/create', { name: 'old' });
      await callApi(registry.app, 'POST', '/experiments/delete', { experiment_id: body.experiment_id });
      const renamed = await callApi(registry.app, 'POST', '/experiments/update', { experiment_id: body.experiment_id, new_name: 'new' });
      expect(renamed).toEqual({
        status: 409,
        body: { error_code: 'INVALID_STATE', message: 'Cannot rename a non-active experiment.' },
        headers: expect.anything(),
      });
    } finally {
      await registry.close();
    }
  });
});
