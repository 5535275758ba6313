// The domain's expected failures, shared by every layer that raises them
// (services, jobs, the CLI): GraphQL only registers them as typed errors
// (src/graphql/schema/common.ts), so this module imports nothing.

/**
 * Every `extensions.code` tokengrid puts on an error, or reads from one that
 * graphql-js or yoga made. One list, so a code is never misspelled and a
 * reader sees them all at once.
 */
export type ErrorCode =
  // a query argument or input the client got wrong
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  // the record is not in a state that has what was asked (the export of a plan without a solution)
  | 'CONFLICT'
  // who is calling, and whether they may
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  // the Host header names neither the loopback nor a configured name (src/server/host-check.ts)
  | 'MISDIRECTED_REQUEST'
  // refused before execution (src/server/limits.ts)
  | 'BAD_REQUEST'
  | 'REQUEST_ENTITY_TOO_LARGE'
  | 'TOO_MANY_TOKENS'
  | 'QUERY_TOO_DEEP'
  | 'TOO_MANY_ALIASES'
  | 'QUERY_TOO_COMPLEX'
  | 'RATE_LIMITED'
  // open subscriptions per key (src/graphql/subscriptions.ts)
  | 'TOO_MANY_SUBSCRIPTIONS'
  | 'CSRF_PREVENTED'
  // this process cannot do it (e.g. it runs no plan job queue)
  | 'SERVICE_UNAVAILABLE'
  // made by graphql-js or yoga; named here because the request log reads them
  | 'GRAPHQL_PARSE_FAILED'
  | 'GRAPHQL_VALIDATION_FAILED'
  | 'INTERNAL_SERVER_ERROR';

/** One problem with an input, wherever it came from (an API input, a CSV cell, a stored row). */
export interface ValidationIssue {
  /** where: `input.pricePerKwh`, `sites.csv:12 price_per_kwh`, `sites[3].pue` */
  path: string;
  message: string;
}

/** Issues in one line, `path: message; …`; past `max` of them the rest are `…`. */
export function formatIssues(issues: readonly ValidationIssue[], max = Infinity): string {
  const shown = issues.slice(0, max).map((issue) => `${issue.path}: ${issue.message}`);
  return [...shown, ...(issues.length > max ? ['…'] : [])].join('; ');
}

export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(
    readonly issues: ValidationIssue[],
    message = `Invalid input: ${issues.length} problem${issues.length === 1 ? '' : 's'} (${formatIssues(issues, 3)})`,
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
  constructor(
    message: string,
    /** for an update refused by its expectedUpdatedAt: the row's updatedAt now */
    readonly currentUpdatedAt: Date | null = null,
  ) {
    super(message);
  }
}

/** An update whose expectedUpdatedAt no longer matches the row: nothing was written. */
export function staleUpdateError(entity: string, code: string, expected: Date, current: Date): ConflictError {
  return new ConflictError(
    `${entity} "${code}" was changed at ${current.toISOString()}, after the expectedUpdatedAt ${expected.toISOString()}; nothing was written: read it again and retry`,
    current,
  );
}
