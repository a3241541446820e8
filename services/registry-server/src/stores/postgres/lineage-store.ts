import { lineageFromTags, type ModelVersionLineage, type OperationRequest, type OperationResponse } from '@payments-mlops/contracts';
import { parseVersion } from '../../domain/validation.js';
import type { StoreContext } from './context.js';
import { readExperiment } from './experiment-store.js';
import { readModelVersion } from './model-version-reader.js';
import { readRuns } from './run-reader.js';

/** The whole lineage of a model version in one call: version → run → data, features, code, params. */
export function createLineageStore({ db }: StoreContext) {
  return {
    async getModelVersionLineage({ name, version }: OperationRequest<'getModelVersionLineage'>): Promise<OperationResponse<'getModelVersionLineage'>> {
      const modelVersion = await readModelVersion(db, name, parseVersion(version));
      const lineage: ModelVersionLineage = { model_version: modelVersion };
      const [run] = modelVersion.run_id ? await readRuns(db, [modelVersion.run_id]) : [];
      if (run === undefined) return lineage;
      const tags = new Map((run.data.tags ?? []).map((tag) => [tag.key, tag.value]));
      return {
        ...lineage,
        run: run.info,
        experiment: await readExperiment(db, run.info.experiment_id),
        ...lineageFromTags(tags),
        ...(run.data.params ? { params: run.data.params } : {}),
        ...(run.data.metrics ? { metrics: run.data.metrics } : {}),
        ...(run.inputs.dataset_inputs ? { datasets: run.inputs.dataset_inputs } : {}),
      };
    },
  };
}
