import { MlflowError, type RegistryApi } from '@payments-mlops/contracts';
import type { PgFixture } from '@payments-mlops/test-infra';
import { test } from '@payments-mlops/test-infra';
import { describe, expect } from 'vitest';

/**
 * The behaviour every implementation of RegistryApi shares: the Postgres store called directly,
 * and the REST client talking to a live registry-server. `open` gives an implementation on the
 * test's own schema and a function to release it.
 */
export function registryApiContract(name: string, open: (pg: PgFixture) => Promise<{ api: RegistryApi; close: () => Promise<void> }>): void {
  async function withApi(pg: PgFixture, body: (api: RegistryApi) => Promise<void>): Promise<void> {
    const { api, close } = await open(pg);
    try {
      await body(api);
    } finally {
      await close();
    }
  }

  async function errorOf(action: Promise<unknown>): Promise<MlflowError> {
    try {
      await action;
    } catch (error) {
      expect(error).toBeInstanceOf(MlflowError);
      return error as MlflowError;
    }
    throw new Error('expected the call to fail');
  }

  describe(`RegistryApi contract: ${name}`, () => {
    test('a run keeps its params, the latest value of each metric and its tags', async ({ pg }) => {
      await withApi(pg, async (api) => {
        const { experiment_id } = await api.createExperiment({ name: 'contract' });
        const { run } = await api.createRun({ experiment_id, run_name: 'r1', start_time: 1000 });
        await api.logBatch({
          run_id: run.info.run_id,
          metrics: [
            { key: 'auc', value: 0.7, timestamp: 1, step: 0 },
            { key: 'auc', value: 0.9, timestamp: 2, step: 2 },
            { key: 'auc', value: 0.8, timestamp: 3, step: 1 },
          ],
          params: [{ key: 'lr', value: '0.1' }],
          tags: [{ key: 'team', value: 'risk' }],
        });
        const { run: read } = await api.getRun({ run_id: run.info.run_id });
        expect(read.data.metrics).toEqual([{ key: 'auc', value: 0.9, timestamp: 2, step: 2 }]);
        expect(read.data.params).toEqual([{ key: 'lr', value: '0.1' }]);
        expect(read.data.tags).toEqual(
          expect.arrayContaining([
            { key: 'team', value: 'risk' },
            { key: 'mlflow.runName', value: 'r1' },
          ]),
        );
        const history = await api.getMetricHistory({ run_id: run.info.run_id, metric_key: 'auc' });
        expect(history.metrics?.map((m) => m.step)).toEqual([0, 1, 2]);
      });
    });

    test('a param cannot change once logged, and logging the same value again is fine', async ({ pg }) => {
      await withApi(pg, async (api) => {
        const { run } = await api.createRun({ experiment_id: '0' });
        await api.logParam({ run_id: run.info.run_id, key: 'depth', value: '6' });
        await api.logParam({ run_id: run.info.run_id, key: 'depth', value: '6' });
        const error = await errorOf(api.logParam({ run_id: run.info.run_id, key: 'depth', value: '7' }));
        expect(error.errorCode).toBe('INVALID_PARAMETER_VALUE');
        expect(error.message).toContain('Changing param values is not allowed');
      });
    });

    test('versions are numbered 1, 2, 3 and an alias moves from one to another', async ({ pg }) => {
      await withApi(pg, async (api) => {
        await api.createRegisteredModel({ name: 'fraud' });
        const versions = [];
        for (let i = 0; i < 3; i += 1) versions.push((await api.createModelVersion({ name: 'fraud', source: 's3://models/fraud' })).model_version);
        expect(versions.map((v) => [v.version, v.status])).toEqual([
          ['1', 'READY'],
          ['2', 'READY'],
          ['3', 'READY'],
        ]);
        await api.setRegisteredModelAlias({ name: 'fraud', alias: 'champion', version: '1' });
        await api.setRegisteredModelAlias({ name: 'fraud', alias: 'champion', version: '3' });
        const { model_version } = await api.getModelVersionByAlias({ name: 'fraud', alias: 'champion' });
        expect(model_version).toMatchObject({ version: '3', aliases: ['champion'] });
        const { registered_model } = await api.getRegisteredModel({ name: 'fraud' });
        expect(registered_model.aliases).toEqual([{ alias: 'champion', version: '3' }]);
      });
    });

    test('an unknown alias is INVALID_PARAMETER_VALUE and an unknown model RESOURCE_DOES_NOT_EXIST', async ({ pg }) => {
      await withApi(pg, async (api) => {
        await api.createRegisteredModel({ name: 'churn' });
        expect((await errorOf(api.getModelVersionByAlias({ name: 'churn', alias: 'champion' }))).errorCode).toBe('INVALID_PARAMETER_VALUE');
        expect((await errorOf(api.getRegisteredModel({ name: 'nope' }))).errorCode).toBe('RESOURCE_DOES_NOT_EXIST');
        expect((await errorOf(api.createRegisteredModel({ name: 'churn' }))).errorCode).toBe('RESOURCE_ALREADY_EXISTS');
      });
    });

    test('search_runs filters on a metric and orders by it, paging with tokens', async ({ pg }) => {
      await withApi(pg, async (api) => {
        const { experiment_id } = await api.createExperiment({ name: 'search' });
        for (const [index, auc] of [0.5, 0.9, 0.7, 0.95].entries()) {
          const { run } = await api.createRun({ experiment_id, run_name: `r${index}`, start_time: 1000 + index });
          await api.logMetric({ run_id: run.info.run_id, key: 'auc', value: auc, timestamp: 1 });
        }
        const first = await api.searchRuns({ experiment_ids: [experiment_id], filter: 'metrics.auc > 0.6', order_by: ['metrics.auc DESC'], max_results: 2 });
        expect(first.runs?.map((r) => r.info.run_name)).toEqual(['r3', 'r1']);
        expect(first.next_page_token).toBeTypeOf('string');
        const second = await api.searchRuns({
          experiment_ids: [experiment_id],
          filter: 'metrics.auc > 0.6',
          order_by: ['metrics.auc DESC'],
          max_results: 2,
          ...(first.next_page_token ? { page_token: first.next_page_token } : {}),
        });
        expect(second.runs?.map((r) => r.info.run_name)).toEqual(['r2']);
        expect(second.next_page_token).toBeUndefined();
      });
    });

    test('lineage follows a version to its run, snapshot, feature service, commit and params', async ({ pg }) => {
      await withApi(pg, async (api) => {
        const { run } = await api.createRun({ experiment_id: '0', run_name: 'train-fraud' });
        await api.logBatch({
          run_id: run.info.run_id,
          params: [{ key: 'num_trees', value: '300' }],
          tags: [
            { key: 'payments.dataset.digest', value: 'sha256:abc' },
            { key: 'payments.dataset.location', value: 's3://snapshots/fraud/1' },
            { key: 'payments.feature_service.name', value: 'fraud_v1' },
            { key: 'payments.feature_service.version', value: '7' },
            { key: 'mlflow.source.git.commit', value: '0123abc' },
          ],
        });
        await api.createRegisteredModel({ name: 'fraud' });
        await api.createModelVersion({ name: 'fraud', source: `${run.info.artifact_uri}/model`, run_id: run.info.run_id });
        const lineage = await api.getModelVersionLineage({ name: 'fraud', version: '1' });
        expect(lineage).toMatchObject({
          model_version: { name: 'fraud', version: '1', run_id: run.info.run_id },
          run: { run_id: run.info.run_id, run_name: 'train-fraud' },
          experiment: { experiment_id: '0', name: 'Default' },
          dataset_snapshot: { digest: 'sha256:abc', location: 's3://snapshots/fraud/1' },
          feature_service: { name: 'fraud_v1', version: '7' },
          code: { commit: '0123abc' },
          params: [{ key: 'num_trees', value: '300' }],
        });
      });
    });
  });
}
