import type { LifecycleStage, ViewType } from '@payments-mlops/contracts';

/** The lifecycle stages a search's view type selects; active only by default, as in MLflow. */
export function lifecycleStagesOf(viewType: ViewType | undefined): LifecycleStage[] {
  if (viewType === 'ALL') return ['active', 'deleted'];
  return viewType === 'DELETED_ONLY' ? ['deleted'] : ['active'];
}
