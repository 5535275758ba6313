// Expected failures a mutation reports as data (typed errors), not as GraphQL errors.

export interface ValidationIssue {
  /** where: `input.pricePerKwh`, `sites.csv:12 price_per_kwh`, `sites[3].pue` */
  path: string;
  message: string;
}

export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(
    readonly issues: ValidationIssue[],
    message = `Invalid input: ${issues.length} problem${issues.length === 1 ? '' : 's'} (${issues
      .slice(0, 3)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ')}${issues.length > 3 ? '; …' : ''})`,
  ) {
    super(message);
  }
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
  constructor(
    readonly entity: string,
    readonly code: string,
  ) {
    super(`${entity} "${code}" does not exist`);
  }
}

export class ConflictError extends Error {
  override name = 'ConflictError';
  constructor(message: string) {
    super(message);
  }
}
