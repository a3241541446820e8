import { describe, expect, it } from 'vitest';
import { failureDetails } from './schemathesis.js';

const banner = '✅ Loaded specification\n';
const errors = '==================== ERRORS ====================\nRuntime Error\n';
const failures = '=================== FAILURES ===================\n- ST101 Server error\n';

describe('failureDetails', () => {
  it("starts at schemathesis' errors or failures, whichever comes first", () => {
    expect(failureDetails(`${banner}${errors}${failures}`)).toBe(`${errors}${failures}`);
    expect(failureDetails(`${banner}${failures}`)).toBe(failures);
  });

  it('keeps the whole output when neither section is there, and cuts it at the limit', () => {
    expect(failureDetails(banner)).toBe(banner);
    expect(failureDetails(`${banner}${failures}`, 10)).toBe(`${failures.slice(0, 10)}\n…`);
  });
});
