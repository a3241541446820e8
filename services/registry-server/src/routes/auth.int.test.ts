import { test } from '@payments-mlops/test-infra';
import { describe, expect } from 'vitest';
import { READ_TOKEN, WRITE_TOKEN, callApi, startTestRegistry } from '../testing/registry-harness.js';

describe('bearer-token auth', () => {
  test('answers a write without a token with 401 and a challenge, before reading the body', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const response = await registry.app.inject({ method: 'POST', url: '/api/2.0/mlflow/experiments/create', payload: 'not even json', headers: { 'content-type': 'application/json' } });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="mlflow"');
      expect(response.body).toContain('You are not authenticated');
      expect((await callApi(registry.app, 'GET', '/experiments/search', {}, { authorization: 'Bearer wrong-token' })).status).toBe(200);
    } finally {
      await registry.close();
    }
  });

  test('answers a write with a read-only token with 403 Permission denied', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const response = await registry.app.inject({
        method: 'POST',
        url: '/api/2.0/mlflow/registered-models/create',
        payload: { name: 'm' },
        headers: { authorization: `Bearer ${READ_TOKEN}` },
      });
      expect(response.statusCode).toBe(403);
      expect(response.body).toBe('Permission denied');
    } finally {
      await registry.close();
    }
  });

  test('counts searches sent with POST as reads', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      expect((await callApi(registry.app, 'POST', '/runs/search', { experiment_ids: ['0'] }, {})).status).toBe(200);
      expect((await callApi(registry.app, 'POST', '/registered-models/get-latest-versions', { name: 'x' }, {})).status).toBe(404);
    } finally {
      await registry.close();
    }
  });

  test('protects reads when configured: no token is 401, a read token passes', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString, { auth: { protectReads: true } });
    try {
      expect((await callApi(registry.app, 'GET', '/experiments/get', { experiment_id: '0' }, {})).status).toBe(401);
      expect((await callApi(registry.app, 'GET', '/experiments/get', { experiment_id: '0' }, { authorization: `Bearer ${READ_TOKEN}` })).status).toBe(200);
      expect((await callApi(registry.app, 'GET', '/experiments/get', { experiment_id: '0' }, { authorization: `Bearer ${WRITE_TOKEN}` })).status).toBe(200);
      const download = await registry.app.inject({ method: 'GET', url: '/api/2.0/mlflow-artifacts/artifacts/a.txt' });
      expect(download.statusCode).toBe(401);
      // The served OpenAPI document says so: reads name the token and their 401 (reads are never 403).
      const document = (await registry.app.inject({ method: 'GET', url: '/docs/json' })).json<{ paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>> }>();
      for (const read of [document.paths['/api/2.0/mlflow/experiments/get']!.get!, document.paths['/api/2.0/mlflow-artifacts/artifacts/{*}']!.get!]) {
        expect(read.security).toEqual([{ registryToken: [] }]);
        expect(Object.keys(read.responses)).toContain('401');
        expect(Object.keys(read.responses)).not.toContain('403');
      }
    } finally {
      await registry.close();
    }
  });

  test('documents a token and its 401 and 403 on writes only, where reads are open', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const document = (await registry.app.inject({ method: 'GET', url: '/docs/json' })).json<{
        components: { securitySchemes?: Record<string, { type: string; scheme: string }> };
        paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>>;
      }>();
      expect(document.components.securitySchemes?.registryToken).toMatchObject({ type: 'http', scheme: 'bearer' });
      const create = document.paths['/api/2.0/mlflow/experiments/create']!.post!;
      expect(create.security).toEqual([{ registryToken: [] }]);
      expect(create.responses).toMatchObject({ 401: { content: { 'text/plain': expect.anything() } }, 403: expect.anything() });
      const read = document.paths['/api/2.0/mlflow/experiments/get']!.get!;
      expect(read.security).toBeUndefined();
      expect(Object.keys(read.responses)).not.toContain('401');
    } finally {
      await registry.close();
    }
  });

  test('accepts the token as the password of Basic auth, as MLflow\'s client sends username and password', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString);
    try {
      const basic = `Basic ${Buffer.from(`trainer:${WRITE_TOKEN}`).toString('base64')}`;
      expect((await callApi(registry.app, 'POST', '/experiments/create', { name: 'via-basic' }, { authorization: basic })).status).toBe(200);
    } finally {
      await registry.close();
    }
  });

  test('leaves health, metrics and docs open', async ({ pg }) => {
    const registry = await startTestRegistry(pg.connectionString, { auth: { protectReads: true } });
    try {
      for (const url of ['/healthz', '/readyz', '/metrics', '/docs/json']) expect((await registry.app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    } finally {
      await registry.close();
    }
  });
});
