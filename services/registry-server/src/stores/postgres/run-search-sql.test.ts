import { describe, expect, test } from 'vitest';
import { parseRunFilter, parseRunOrderBy } from '../../domain/run-search.js';
import { compileRunSearch } from './run-search-sql.js';

const compile = (filter: string, orderBy: string[] = []) =>
  compileRunSearch({ experimentIds: [1], lifecycleStages: ['active'], clauses: parseRunFilter(filter), orders: parseRunOrderBy(orderBy), offset: 0, limit: 11 });

describe('compileRunSearch', () => {
  test('passes every value as a bind parameter, never in the SQL text', () => {
    const { text, values } = compile("params.lr = 'x''); DROP TABLE runs; --' AND tags.`a'b` LIKE '%z%' AND metrics.auc > 0.5");
    expect(text).not.toContain('DROP TABLE');
    expect(text).not.toContain("a'b");
    expect(values).toEqual(expect.arrayContaining(["x'); DROP TABLE runs; --", "a'b", '%z%', 'auc', 0.5]));
  });

  test('joins a metric that is both filtered and ordered on once, ordering by its value alone', () => {
    const { text } = compile('metrics.auc > 0.2', ['metrics.auc DESC']);
    expect(text).toMatch(/JOIN latest_metrics o0 ON o0\.run_uuid = r\.run_uuid AND o0\.key = \$3/);
    expect(text).not.toMatch(/LEFT JOIN/);
    expect(text).toMatch(/ORDER BY o0\.value DESC, r\.start_time DESC, r\.run_uuid/);
    expect(text).toMatch(/o0\.value <> 'NaN' AND o0\.value > \$\d+::float8/);
  });

  test('orders by a metric that is not filtered on with runs missing it, then NaN, last', () => {
    const { text } = compile('', ['metrics.auc ASC']);
    expect(text).toMatch(/LEFT JOIN latest_metrics o0/);
    expect(text).toMatch(/ORDER BY CASE WHEN o0\.value IS NULL THEN 2 WHEN o0\.value = 'NaN' THEN 1 ELSE 0 END, o0\.value ASC/);
  });

  test('does not add start_time twice when the order names it', () => {
    const { text } = compile('', ['attributes.start_time ASC']);
    expect(text).toMatch(/ORDER BY \(r\.start_time IS NULL\), r\.start_time ASC, r\.run_uuid/);
  });
});
