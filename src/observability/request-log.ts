// One log line and one set of metrics per GraphQL request: request id,
// operation name and type, the caller's key name (never the key), outcome and
// duration. Outcomes: `ok` (data, typed errors included), `error` (a field
// error or a masked unexpected error), `rejected` (refused before or instead of
// execution: a limit, a parse or validation error, authentication, CSRF).
import { getOperationAST, type DocumentNode } from 'graphql';
import type { Plugin, YogaLogger } from 'graphql-yoga';
import type { ErrorCode } from '../errors.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

export type RequestOutcome = 'ok' | 'error' | 'rejected';

interface RequestState {
  startedMs: number;
  operationName: string | null;
  operationType: string | null;
  keyName: string | null;
  outcome: RequestOutcome | null;
  /** the error code a rejection carried (mapped to a reason for the metric) */
  rejectedCode: string | null;
}

/** error code → reason label of `tokengrid_rejected_requests_total` */
export type RejectionReasons = Readonly<Partial<Record<ErrorCode, string>>>;

/** The reason label for an error code (a code no table names, e.g. another plugin's, in lower case). */
export function rejectionReason(code: string | null, reasons: RejectionReasons): string {
  if (code === null) return 'other';
  return reasons[code as ErrorCode] ?? code.toLowerCase();
}

/** Codes graphql-js and yoga give a document they refuse, with no HTTP status of their own. */
const DOCUMENT_ERROR_CODES: readonly string[] = [
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
] satisfies ErrorCode[];

/** What a request is called in logs and metrics when it has no operation name. */
export const ANONYMOUS_OPERATION = 'anonymous';

/**
 * Operation names are the client's choice: past this many distinct names the
 * metrics label the rest `other`, so no client can grow the registry without bound.
 */
export const MAX_OPERATION_LABELS = 200;
export const OTHER_OPERATIONS = 'other';

/** Reads `auth.keyName` from the GraphQL context if authentication put it there. */
function keyNameOf(context: unknown): string | null {
  const auth = (context as { auth?: { keyName?: unknown } | null } | null)?.auth;
  return typeof auth?.keyName === 'string' ? auth.keyName : null;
}

function describeOperation(document: DocumentNode, operationName: string | null | undefined) {
  const operation = getOperationAST(document, operationName ?? undefined);
  return { type: operation?.operation ?? null, name: operation?.name?.value ?? operationName ?? null };
}

interface ErrorLike {
  message: string;
  extensions?: Record<string, unknown>;
}

function errorsOf(result: unknown): ErrorLike[] {
  if (result === null || typeof result !== 'object' || !('errors' in result)) return [];
  const errors = (result as { errors?: unknown }).errors;
  return Array.isArray(errors) ? (errors as ErrorLike[]) : [];
}

/** A result refused as a whole: no data, and an error with an HTTP status of its own or a document error. */
function rejectionCodeOf(result: unknown): string | null | undefined {
  const errors = errorsOf(result);
  if (errors.length === 0) return undefined;
  const hasData = result !== null && typeof result === 'object' && (result as { data?: unknown }).data != null;
  if (hasData) return undefined;
  for (const error of errors) {
    const code = typeof error.extensions?.['code'] === 'string' ? (error.extensions['code'] as string) : null;
    const http = error.extensions?.['http'] as { status?: number } | undefined;
    if (code === ('INTERNAL_SERVER_ERROR' satisfies ErrorCode)) return undefined;
    if (code && (http?.status ?? 0) >= 400) return code;
    if (code && DOCUMENT_ERROR_CODES.includes(code)) return code;
  }
  return undefined;
}

export interface RequestLogOptions {
  logger: Logger;
  metrics: Metrics;
  requestIdFor: (request: Request) => string | undefined;
  graphqlEndpoint: string;
  /** error code → reason label (src/server/limit-errors.ts REJECTION_REASONS) */
  rejectionReasons: RejectionReasons;
}

export function useRequestLog({
  logger,
  metrics,
  requestIdFor,
  graphqlEndpoint,
  rejectionReasons,
}: RequestLogOptions): Plugin {
  const states = new WeakMap<Request, RequestState>();
  const operationLabels = new Set<string>();
  const labelFor = (name: string | null): string => {
    const label = name ?? ANONYMOUS_OPERATION;
    if (operationLabels.has(label)) return label;
    if (operationLabels.size >= MAX_OPERATION_LABELS) return OTHER_OPERATIONS;
    operationLabels.add(label);
    return label;
  };
  return {
    onRequest({ request, url }) {
      if (url.pathname !== graphqlEndpoint) return;
      states.set(request, {
        startedMs: performance.now(),
        operationName: null,
        operationType: null,
        keyName: null,
        outcome: null,
        rejectedCode: null,
      });
    },
    onParams({ request, params }) {
      const state = states.get(request);
      if (state && typeof params.operationName === 'string') state.operationName = params.operationName.slice(0, 100);
    },
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      const state = request ? states.get(request) : undefined;
      if (!state) return;
      const { type, name } = describeOperation(args.document, args.operationName);
      state.operationType = type;
      state.operationName = name;
      state.keyName = keyNameOf(args.contextValue);
    },
    onResultProcess({ request, result }) {
      const state = states.get(request);
      if (!state || state.outcome !== null) return;
      // a subscription's stream: the outcome is that it was accepted
      if (Array.isArray(result) || Symbol.asyncIterator in (result as object)) {
        state.outcome = 'ok';
        return;
      }
      const rejectedCode = rejectionCodeOf(result);
      if (rejectedCode !== undefined) {
        state.outcome = 'rejected';
        state.rejectedCode = rejectedCode;
      } else {
        state.outcome = errorsOf(result).length > 0 ? 'error' : 'ok';
      }
    },
    async onResponse({ request, response }) {
      const state = states.get(request);
      if (!state) return;
      states.delete(request);
      if (state.outcome === null) {
        // answered before yoga processed a result (CSRF prevention, an early refusal): its body says why
        state.outcome = response.status >= 400 ? 'rejected' : 'ok';
        if (state.outcome === 'rejected') state.rejectedCode = await errorCodeOfBody(response);
      }
      const durationMs = performance.now() - state.startedMs;
      const operation = labelFor(state.operationName);
      metrics.requests.inc({ operation, outcome: state.outcome });
      metrics.requestSeconds.observe({ operation, outcome: state.outcome }, durationMs / 1000);
      const reason = state.outcome === 'rejected' ? rejectionReason(state.rejectedCode, rejectionReasons) : undefined;
      if (reason) metrics.rejected.inc({ reason });
      logger.info(
        {
          requestId: requestIdFor(request),
          operationName: state.operationName,
          operationType: state.operationType,
          keyName: state.keyName,
          outcome: state.outcome,
          ...(reason ? { reason } : {}),
          status: response.status,
          durationMs: Math.round(durationMs * 10) / 10,
        },
        'graphql request',
      );
    },
  };
}

async function errorCodeOfBody(response: Response): Promise<string | null> {
  try {
    const body = (await response.clone().json()) as { errors?: ErrorLike[] };
    const code = body.errors?.[0]?.extensions?.['code'];
    return typeof code === 'string' ? code : null;
  } catch {
    return null;
  }
}

/**
 * Yoga's own logger, on pino. Yoga logs a masked error itself, without the
 * request id; src/server/error-contract.ts logs those during execution with
 * it, so errors already logged there are skipped here (one line per error).
 */
export function yogaLoggerFor(logger: Logger, alreadyLogged: (error: unknown) => boolean): YogaLogger {
  const log =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      const [first, ...rest] = args;
      if (first instanceof Error) {
        if (level === 'error' && alreadyLogged(first)) return;
        logger[level]({ err: first }, rest.length > 0 ? rest.map(String).join(' ') : first.message);
      } else {
        logger[level](args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      }
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
