/** One thing wrong with the definitions: the file and the dotted path of the field at fault. */
export interface DefinitionProblem {
  /** Relative to the feature repo, e.g. `views/customer.yaml`; absent for definitions not read from files. */
  file?: string;
  line?: number;
  /** Dotted path inside the file, e.g. `stream_feature_views.0.aggregations.2.time_window`. */
  field: string;
  message: string;
}

/** Thrown by loading, validating or applying definitions; lists every problem at once. */
export class DefinitionError extends Error {
  readonly problems: readonly DefinitionProblem[];
  constructor(problems: readonly DefinitionProblem[]) {
    super(
      `Invalid feature definitions (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((problem) => `  ${formatProblem(problem)}`).join('\n'),
    );
    this.name = 'DefinitionError';
    this.problems = problems;
  }
}

export function formatProblem({ file, line, field, message }: DefinitionProblem): string {
  const where = file === undefined ? '' : `${file}${line === undefined ? '' : `:${line}`}: `;
  return `${where}${field ? `${field}: ` : ''}${message}`;
}
