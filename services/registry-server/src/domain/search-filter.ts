import { invalidFilter, tokenizeFilter, type Token } from './filter-tokens.js';

/*
 * The parser of MLflow's search filter language: comparisons joined by AND (MLflow has no OR and
 * no parentheses), each `identifier comparator value`. Identifiers name an entity and a key
 * (`metrics.auc`, `tags.\`mlflow.runName\``, `run_id`); what each search accepts is checked by
 * its own dialect (run-filter.ts, registry-filters.ts), and compiled to SQL by the store.
 */

export type Comparator = '=' | '!=' | '>' | '>=' | '<' | '<=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';
export type FilterValue =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'list'; values: string[] };

/** One comparison as written: `prefix` is the part before the first dot, absent for bare keys. */
export interface RawClause {
  prefix: string | undefined;
  key: string;
  comparator: Comparator;
  value: FilterValue;
}

export function parseFilter(filter: string | undefined): RawClause[] {
  if (filter === undefined || filter.trim() === '') return [];
  const tokens = tokenizeFilter(filter);
  const clauses: RawClause[] = [];
  let i = 0;
  const at = (offset = 0): Token | undefined => tokens[i + offset];
  const fail = (message: string): never => {
    throw invalidFilter(`Invalid filter '${filter}': ${message}`);
  };

  while (i < tokens.length) {
    if (clauses.length > 0) {
      const joiner = at();
      if (joiner?.kind === 'keyword' && joiner.text === 'AND') i += 1;
      else if (joiner?.kind === 'keyword' && joiner.text === 'OR') fail("OR is not supported; combine comparisons with AND");
      else fail(`expected AND after a comparison, found ${describe(joiner)}`);
      if (i >= tokens.length) fail('expected a comparison after AND');
    }

    const identifier = at();
    if (identifier?.kind !== 'identifier') fail(`expected an identifier such as metrics.<key>, found ${describe(identifier)}`);
    i += 1;
    const { prefix, key } = identifier as Extract<Token, { kind: 'identifier' }>;
    if (key === '') fail(`a key must follow '${prefix ?? ''}.'`);

    const comparator = readComparator();
    const value = readValue(comparator);
    clauses.push({ prefix, key, comparator, value });
  }
  return clauses;

  function readComparator(): Comparator {
    const token = at();
    if (token?.kind === 'operator') {
      i += 1;
      if (token.text === '<>') fail("'<>' is not a supported comparator; use '!='");
      return token.text as Comparator;
    }
    if (token?.kind === 'keyword') {
      if (token.text === 'LIKE' || token.text === 'ILIKE' || token.text === 'IN') {
        i += 1;
        return token.text;
      }
      if (token.text === 'NOT' && at(1)?.kind === 'keyword' && (at(1) as { text: string }).text === 'IN') {
        i += 2;
        return 'NOT IN';
      }
    }
    return fail(`expected a comparator (=, !=, >, >=, <, <=, LIKE, ILIKE, IN, NOT IN), found ${describe(token)}`);
  }

  function readValue(comparator: Comparator): FilterValue {
    const token = at();
    if (comparator === 'IN' || comparator === 'NOT IN') {
      if (token?.kind !== 'punctuation' || token.text !== '(') fail(`expected a parenthesised list of quoted strings after ${comparator}`);
      i += 1;
      const values: string[] = [];
      for (;;) {
        const item = at();
        const text = stringOf(item);
        if (text === undefined) fail(`expected a quoted string in the list after ${comparator}, found ${describe(item)}`);
        values.push(text as string);
        i += 1;
        const separator = at();
        i += 1;
        if (separator?.kind === 'punctuation' && separator.text === ')') break;
        if (separator?.kind !== 'punctuation' || separator.text !== ',') fail(`expected ',' or ')' in the list after ${comparator}, found ${describe(separator)}`);
      }
      return { kind: 'list', values };
    }
    if (token?.kind === 'number') {
      i += 1;
      return { kind: 'number', value: token.value, text: token.text };
    }
    const text = stringOf(token);
    if (text !== undefined) {
      i += 1;
      return { kind: 'string', value: text };
    }
    return fail(`expected a value after '${comparator}', found ${describe(token)}`);
  }
}

/** A string value: single-quoted, or double-quoted (which the lexer reads as a quoted identifier). */
function stringOf(token: Token | undefined): string | undefined {
  if (token?.kind === 'string') return token.value;
  if (token?.kind === 'identifier' && token.quote === 'double' && token.prefix === undefined) return token.key;
  return undefined;
}

function describe(token: Token | undefined): string {
  if (token === undefined) return 'the end of the filter';
  switch (token.kind) {
    case 'identifier':
      return `'${token.text}'`;
    case 'string':
      return `'${token.value}'`;
    case 'number':
      return token.text;
    case 'operator':
    case 'keyword':
    case 'punctuation':
      return `'${token.text}'`;
  }
}
