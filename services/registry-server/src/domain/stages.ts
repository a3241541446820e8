import { MODEL_VERSION_STAGES, MlflowError, type ModelVersionStage } from '@payments-mlops/contracts';

/** The stages whose latest versions `get-latest-versions` returns when asked for none in particular. */
export const ACTIVE_STAGES: readonly ModelVersionStage[] = ['Staging', 'Production'];

/** A stage in MLflow's canonical spelling; requests may write it in any case. */
export function canonicalStage(stage: string): ModelVersionStage {
  const found = MODEL_VERSION_STAGES.find((candidate) => candidate.toLowerCase() === stage.toLowerCase());
  if (found === undefined) {
    throw MlflowError.invalidParameter(`Invalid Model Version stage: ${stage}. Value must be one of ${MODEL_VERSION_STAGES.join(', ')}.`);
  }
  return found;
}
