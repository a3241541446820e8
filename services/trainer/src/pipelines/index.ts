import type { ModelTask } from '@payments-mlops/contracts';
import { churnPipeline } from './churn.js';
import { fraudPipeline } from './fraud.js';
import type { ModelPipeline } from './pipeline.js';
import { recoveryPipeline } from './recovery.js';
import { retryPipeline } from './retry.js';

export const PIPELINES: Record<ModelTask, ModelPipeline> = {
  fraud: fraudPipeline,
  churn: churnPipeline,
  retry: retryPipeline,
  recovery: recoveryPipeline,
};
