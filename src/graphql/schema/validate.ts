// Mutation inputs are checked against the same rules as imports (src/dataset/schema.ts).
import type { z } from 'zod';
import { zodIssuesToDatasetIssues } from '../../dataset/schema.js';
import { ValidationError, type ValidationIssue } from '../../errors.js';
import { DEFAULT_MODEL_CODE } from '../../optimizer/types.js';

/** The parsed input, or a ValidationError naming every field that broke a rule. */
export function validated<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    zodIssuesToDatasetIssues(result.error, 'input').map(({ path, message }) => ({ path, message })),
  );
}

/** An issue for each row whose key an earlier row of the same list already has (the last would silently win). */
export function duplicateIssues<T>(
  rows: readonly T[],
  keyOf: (row: T) => string,
  pathOf: (index: number) => string,
): ValidationIssue[] {
  const first = new Map<string, number>();
  return rows.flatMap((row, index) => {
    const key = keyOf(row);
    const earlier = first.get(key);
    if (earlier === undefined) {
      first.set(key, index);
      return [];
    }
    return [{ path: pathOf(index), message: `"${key}" is given twice (also at [${earlier}])` }];
  });
}
/** A (model, class) key as a planner reads it: the class alone for the DEFAULT model. */
export const modelClassKey = (row: { modelCode: string; workloadClassCode: string }) =>
  row.modelCode === DEFAULT_MODEL_CODE ? row.workloadClassCode : `${row.modelCode} ${row.workloadClassCode}`;
