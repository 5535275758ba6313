// Mutation inputs are checked against the same rules as imports (src/dataset/ranges.ts).
import type { z } from 'zod';
import { zodIssuesToDatasetIssues } from '../../dataset/ranges.js';
import { ValidationError } from '../errors.js';

/** The parsed input, or a ValidationError naming every field that broke a rule. */
export function validated<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(zodIssuesToDatasetIssues(result.error, 'input').map(({ path, message }) => ({ path, message })));
}
