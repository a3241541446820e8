/** Collects the values of a parameterised query; `add` returns the placeholder to write in the SQL. */
export class SqlParams {
  readonly values: unknown[] = [];

  constructor(initial: readonly unknown[] = []) {
    this.values.push(...initial);
  }

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** `ASC` or `DESC`. */
export function direction(ascending: boolean): string {
  return ascending ? 'ASC' : 'DESC';
}
