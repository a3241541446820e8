import { invalidFilter, tokenizeFilter } from './filter-tokens.js';

/** One `order_by` entry as written: `metrics.auc DESC`, `` tags.`my tag` ``, `start_time ASC`. */
export interface RawOrder {
  prefix: string | undefined;
  key: string;
  ascending: boolean;
}

export function parseOrderBy(clause: string): RawOrder {
  const tokens = tokenizeFilter(clause);
  const [identifier, direction, ...rest] = tokens;
  if (identifier?.kind !== 'identifier' || identifier.key === '' || rest.length > 0) {
    throw invalidFilter(`Invalid order_by clause '${clause}'. Could not be parsed.`);
  }
  let ascending = true;
  if (direction !== undefined) {
    const word = direction.kind === 'identifier' && direction.quote === 'none' ? direction.text.toLowerCase() : undefined;
    if (word !== 'asc' && word !== 'desc') throw invalidFilter(`Invalid ordering key in order_by clause '${clause}'.`);
    ascending = word === 'asc';
  }
  return { prefix: identifier.prefix, key: identifier.key, ascending };
}

/** Rejects an order_by list naming the same field twice, as MLflow does. */
export function assertDistinctOrder(fields: readonly string[], orderBy: readonly string[]): void {
  if (new Set(fields).size !== fields.length) {
    throw invalidFilter(`\`order_by\` contains duplicate fields: ${JSON.stringify(orderBy)}`);
  }
}
