import type { MetricIn, RunLineage } from '@payments-mlops/contracts';
import { runArtifactPath, type RegistryClient } from '@payments-mlops/registry-client';

/*
 * What the browser tests look at: a fraud experiment with two finished training runs (params,
 * metric histories, lineage, a dataset input, artifacts of every previewable kind), a failed run,
 * a deleted run, an empty experiment, and a registered model with two versions and two aliases.
 */

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);

export interface SeededRun {
  id: string;
  name: string;
  params: Record<string, string>;
  lineage?: RunLineage;
  /** The last logged value of each metric. */
  finalMetrics: Record<string, number>;
}

export interface SeededRegistry {
  experimentId: string;
  experimentName: string;
  emptyExperimentName: string;
  baseline: SeededRun;
  deeper: SeededRun;
  failed: SeededRun;
  deletedRunName: string;
  model: string;
  /** Steps of the `loss` history of `deeper`: long enough that charts downsample it. */
  longHistorySteps: number;
}

function lineageFor(commit: string, digest: string): RunLineage {
  return {
    dataset_snapshot: { digest, location: `s3://feature-snapshots/fraud/${digest}.parquet` },
    feature_service: { name: 'fraud_scoring', version: '7' },
    code: {
      commit,
      branch: 'main',
      repository: 'git@example.com:payments/payments-mlops.git',
      source_name: 'services/trainer/src/main.ts',
    },
  };
}

/** A curve that improves over `steps` towards `final`, deterministic. */
function curve(key: string, steps: number, start: number, final: number, t0: number): MetricIn[] {
  return Array.from({ length: steps }, (_, step) => {
    const progress = steps === 1 ? 1 : step / (steps - 1);
    const wobble = step === steps - 1 ? 0 : Math.sin(step * 1.7) * 0.004 * (1 - progress);
    return {
      key,
      value: start + (final - start) * Math.sqrt(progress) + wobble,
      timestamp: t0 + step * 1000,
      step,
    };
  });
}

async function createRun(
  client: RegistryClient,
  experimentId: string,
  run: {
    name: string;
    user: string;
    start: number;
    params: Record<string, string>;
    lineage?: RunLineage;
    metrics: MetricIn[];
    status: 'FINISHED' | 'FAILED';
    end: number;
  },
): Promise<string> {
  const { run: created } = await client.api.createRun({
    experiment_id: experimentId,
    run_name: run.name,
    user_id: run.user,
    start_time: run.start,
  });
  const id = created.info.run_id;
  await client.logMetrics(id, run.metrics, {
    params: Object.entries(run.params).map(([key, value]) => ({ key, value })),
  });
  if (run.lineage) await client.recordRunLineage(id, run.lineage);
  await client.api.updateRun({ run_id: id, status: run.status, end_time: run.end });
  return id;
}

async function uploadArtifacts(
  client: RegistryClient,
  runId: string,
  files: Record<string, { body: string | Buffer; type: string }>,
): Promise<void> {
  const { run } = await client.api.getRun({ run_id: runId });
  for (const [relative, file] of Object.entries(files)) {
    await client.artifacts.upload(
      runArtifactPath(run.info.artifact_uri ?? '', relative),
      file.body,
      file.type,
    );
  }
}

const ROC_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="240" viewBox="0 0 240 240"><rect width="240" height="240" fill="#fff"/><path d="M20 220 L20 220 C40 60 120 30 220 20" fill="none" stroke="#1f5fa8" stroke-width="4"/><path d="M20 220 L220 20" stroke="#999" stroke-dasharray="6 6"/></svg>`;

export async function seedRegistry(client: RegistryClient): Promise<SeededRegistry> {
  const experimentName = 'fraud-detection';
  const { experiment_id: experimentId } = await client.api.createExperiment({
    name: experimentName,
    tags: [{ key: 'team', value: 'risk' }],
  });
  const emptyExperimentName = 'churn-prediction';
  await client.api.createExperiment({ name: emptyExperimentName });

  const baselineParams = {
    max_depth: '6',
    learning_rate: '0.1',
    num_trees: '200',
    objective: 'binary',
  };
  const baselineLineage = lineageFor(
    '3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39',
    'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678abcdef0123456789abcdef01',
  );
  const baselineId = await createRun(client, experimentId, {
    name: 'gbdt-baseline',
    user: 'ana',
    start: T0,
    params: baselineParams,
    lineage: baselineLineage,
    metrics: [...curve('auc', 50, 0.7, 0.912, T0), ...curve('logloss', 50, 0.6, 0.231, T0)],
    status: 'FINISHED',
    end: T0 + HOUR + 23 * 60_000,
  });
  await client.api.logInputs({
    run_id: baselineId,
    datasets: [
      {
        dataset: {
          name: 'fraud_training',
          digest: baselineLineage.dataset_snapshot.digest.slice(0, 16),
          source_type: 's3',
          source: baselineLineage.dataset_snapshot.location,
        },
        tags: [{ key: 'mlflow.data.context', value: 'training' }],
      },
    ],
  });
  await uploadArtifacts(client, baselineId, {
    'model/MLmodel': {
      body: 'artifact_path: model\nflavors:\n  onnx:\n    onnx_version: 1.17.0\n    data: model.onnx\n',
      type: 'text/plain',
    },
    'model/model.onnx': {
      body: Buffer.from([0x08, 0x07, 0x12, 0x00, 0x3a, 0x00, 0x00, 0x01, 0x02]),
      type: 'application/octet-stream',
    },
    'metrics.json': {
      body: JSON.stringify({ auc: 0.912, logloss: 0.231, threshold: 0.42 }),
      type: 'application/json',
    },
    'roc_curve.csv': {
      body: 'fpr,tpr\n0,0\n0.05,0.61\n0.1,0.77\n0.2,0.88\n0.5,0.97\n1,1\n',
      type: 'text/csv',
    },
    'plots/roc.svg': { body: ROC_SVG, type: 'image/svg+xml' },
    'notes.txt': {
      body: 'Baseline GBDT on the fraud_scoring feature service.\n',
      type: 'text/plain',
    },
  });

  const deeperParams = {
    max_depth: '8',
    learning_rate: '0.05',
    num_trees: '400',
    objective: 'binary',
  };
  const longHistorySteps = 5000;
  const deeperId = await createRun(client, experimentId, {
    name: 'gbdt-deeper',
    user: 'ben',
    start: T0 + 2 * HOUR,
    params: deeperParams,
    lineage: lineageFor(
      '9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b',
      'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100',
    ),
    metrics: [
      ...curve('auc', 50, 0.7, 0.934, T0 + 2 * HOUR),
      ...curve('logloss', 50, 0.6, 0.205, T0 + 2 * HOUR),
      ...curve('loss', longHistorySteps, 1.2, 0.18, T0 + 2 * HOUR),
    ],
    status: 'FINISHED',
    end: T0 + 4 * HOUR,
  });

  const failedParams = {
    max_depth: '12',
    learning_rate: '0.3',
    num_trees: '50',
    objective: 'binary',
  };
  const failedId = await createRun(client, experimentId, {
    name: 'gbdt-too-deep',
    user: 'ana',
    start: T0 + 5 * HOUR,
    params: failedParams,
    metrics: curve('auc', 5, 0.6, 0.64, T0 + 5 * HOUR),
    status: 'FAILED',
    end: T0 + 5 * HOUR + 90_000,
  });

  const deletedRunName = 'scratch-notebook';
  const deleted = await createRun(client, experimentId, {
    name: deletedRunName,
    user: 'ben',
    start: T0 + 6 * HOUR,
    params: {},
    metrics: [],
    status: 'FINISHED',
    end: T0 + 6 * HOUR + 1000,
  });
  await client.api.deleteRun({ run_id: deleted });

  const model = 'fraud-detector';
  await client.api.createRegisteredModel({
    name: model,
    description: 'Scores card payments for fraud before authorization.',
    tags: [{ key: 'team', value: 'risk' }],
  });
  for (const runId of [baselineId, deeperId]) {
    const { run } = await client.api.getRun({ run_id: runId });
    await client.api.createModelVersion({
      name: model,
      source: `${run.info.artifact_uri}/model`,
      run_id: runId,
    });
  }
  await client.api.transitionModelVersionStage({
    name: model,
    version: '1',
    stage: 'Production',
    archive_existing_versions: false,
  });
  await client.api.setRegisteredModelAlias({ name: model, alias: 'champion', version: '1' });
  await client.api.setRegisteredModelAlias({ name: model, alias: 'challenger', version: '2' });
  await client.api.createRegisteredModel({ name: 'churn-model' });

  return {
    experimentId,
    experimentName,
    emptyExperimentName,
    baseline: {
      id: baselineId,
      name: 'gbdt-baseline',
      params: baselineParams,
      lineage: baselineLineage,
      finalMetrics: { auc: 0.912, logloss: 0.231 },
    },
    deeper: {
      id: deeperId,
      name: 'gbdt-deeper',
      params: deeperParams,
      finalMetrics: { auc: 0.934, logloss: 0.205, loss: 0.18 },
    },
    failed: {
      id: failedId,
      name: 'gbdt-too-deep',
      params: failedParams,
      finalMetrics: { auc: 0.64 },
    },
    deletedRunName,
    model,
    longHistorySteps,
  };
}
