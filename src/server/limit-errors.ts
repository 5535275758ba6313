// How a request limit refuses: a GraphQLError with a code and its HTTP status,
// and the metric label of each refusal's code.
import { GraphQLError } from 'graphql';
import type { ErrorCode } from '../errors.js';
import type { RejectionReasons } from '../observability/request-log.js';

/**
 * `spec: false` keeps the status for application/json clients too (yoga answers
 * them 200 for errors marked as spec errors).
 */
export function limitError(
  message: string,
  code: ErrorCode,
  status: number,
  headers?: Record<string, string>,
): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code, http: { status, spec: false, ...(headers ? { headers } : {}) } },
  });
}

/** The reason label of `tokengrid_rejected_requests_total` for each refusal's code (src/observability/request-log.ts). */
export const REJECTION_REASONS: RejectionReasons = {
  REQUEST_ENTITY_TOO_LARGE: 'size',
  TOO_MANY_TOKENS: 'tokens',
  QUERY_TOO_DEEP: 'depth',
  TOO_MANY_ALIASES: 'aliases',
  QUERY_TOO_COMPLEX: 'complexity',
  RATE_LIMITED: 'rate_limit',
  CSRF_PREVENTED: 'csrf',
  UNAUTHENTICATED: 'auth',
  FORBIDDEN: 'auth',
  GRAPHQL_PARSE_FAILED: 'parse',
  GRAPHQL_VALIDATION_FAILED: 'validation',
  BAD_REQUEST: 'bad_request',
};
