import type { z } from 'zod';

/**
 * The dotted paths of the fields a value fails on (`thresholds.review`, `reasons.0.feature`), in
 * the form the error handler reports them in `details.fields`; empty when the value is valid.
 * The contract tests assert on it, so that every rejection names exactly the field at fault.
 */
export function failingFields(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return [...new Set(result.error.issues.map((issue) => issue.path.map(String).join('.')))];
}
