import type { EntityClause } from './registry-search.js';

/*
 * MLflow keeps prompts in the model registry as models tagged `mlflow.prompt.is_prompt = true`, and
 * its client adds `tags.\`mlflow.prompt.is_prompt\` != 'true'` to every model search. Models carry
 * no such tag, so a plain tag comparison would match nothing; like MLflow's server, the registry
 * reads the clause as "exclude prompts" unless it asks for prompts.
 */

export const IS_PROMPT_TAG = 'mlflow.prompt.is_prompt';

export interface PromptAwareFilter {
  clauses: EntityClause[];
  /** True unless the filter asks for prompts: rows of any prompt-tagged name are left out. */
  excludePrompts: boolean;
}

export function splitPromptClauses(clauses: readonly EntityClause[]): PromptAwareFilter {
  const promptClause = clauses.find((clause) => clause.kind === 'tag' && clause.key === IS_PROMPT_TAG);
  const wantsPrompts =
    promptClause?.kind === 'tag' &&
    ((promptClause.comparator === '=' && promptClause.value.toLowerCase() === 'true') ||
      (promptClause.comparator === '!=' && promptClause.value.toLowerCase() === 'false'));
  if (wantsPrompts) return { clauses: [...clauses], excludePrompts: false };
  return { clauses: clauses.filter((clause) => !(clause.kind === 'tag' && clause.key === IS_PROMPT_TAG)), excludePrompts: true };
}
