// Where tokengrid's error contract differs from yoga's defaults:
// - a request without a query is a 400 for every client (yoga answers 200 to
//   application/json clients, as the GraphQL-over-HTTP spec allows);
// - a masked unexpected error ("Unexpected error.") carries the request id in
//   its extensions, and the original error is logged with that id, so the
//   client's report leads to the log line.
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { GraphQLError } from 'graphql';
import type { ErrorCode } from '../errors.js';
import { silentLogger, type Logger } from '../observability/logger.js';

export const MASKED_ERROR_MESSAGE = 'Unexpected error.';

export function useMissingQueryIs400(): Plugin {
  return {
    onParams({ params }) {
      const persisted = params.extensions?.['persistedQuery'] != null;
      if (!persisted && (typeof params.query !== 'string' || params.query.trim() === '')) {
        throw createGraphQLError('Must provide query string.', {
          extensions: { code: 'BAD_REQUEST' satisfies ErrorCode, http: { status: 400, spec: false } },
        });
      }
    },
  };
}

/** An error yoga will mask: anything thrown that is not a GraphQLError made on purpose. */
function isUnexpected(error: GraphQLError): boolean {
  const original = error.originalError;
  return original != null && !(original instanceof GraphQLError) && !(error.extensions?.['http'] != null);
}

const isMasked = (error: { message: string; extensions?: Record<string, unknown> }) =>
  error.message === MASKED_ERROR_MESSAGE &&
  error.extensions?.['code'] === ('INTERNAL_SERVER_ERROR' satisfies ErrorCode);

/** Errors logged here with their request id; yoga's own logger skips them (one line per error). */
const loggedErrors = new WeakSet<object>();

export const wasLoggedWithRequestId = (error: unknown): boolean =>
  error !== null &&
  typeof error === 'object' &&
  (loggedErrors.has(error) || loggedErrors.has((error as { originalError?: object }).originalError ?? {}));

export function useRequestIdInErrors(
  requestIdOf: (request: Request) => string | undefined,
  logger: Logger = silentLogger,
): Plugin {
  return {
    onExecute() {
      return {
        // runs before yoga masks the errors: the one place the original is still there
        onExecuteDone({ args, result }) {
          if (!('errors' in result) || !result.errors) return;
          const requestId = (args.contextValue as { requestId?: string }).requestId;
          for (const error of result.errors) {
            if (!isUnexpected(error)) continue;
            loggedErrors.add(error);
            if (error.originalError) loggedErrors.add(error.originalError);
            logger.error({ requestId, path: error.path?.join('.'), err: error.originalError }, 'unexpected error');
          }
        },
      };
    },
    onResultProcess({ request, result, setResult }) {
      if (Array.isArray(result) || !('errors' in result) || !result.errors?.some(isMasked)) return;
      const requestId = requestIdOf(request);
      if (!requestId) return;
      setResult({
        ...result,
        errors: result.errors.map((error) =>
          isMasked(error)
            ? new GraphQLError(error.message, {
                ...(error.nodes ? { nodes: error.nodes } : {}),
                ...(error.source ? { source: error.source } : {}),
                ...(error.positions ? { positions: error.positions } : {}),
                ...(error.path ? { path: error.path } : {}),
                extensions: { ...error.extensions, requestId },
              })
            : error,
        ),
      });
    },
  };
}

/**
 * A plugin whose `onRequest` may fail unexpectedly (the database gone while it
 * looks up an API key) answers as execution does: 500 with the masked error and
 * the request id, the real error logged with that id, never the driver's message
 * or a stack. Without this, the failure escapes yoga and the HTTP adapter writes it out.
 */
export function withMaskedRequestErrors(
  plugin: Plugin,
  requestIdOf: (request: Request) => string | undefined,
  logger: Logger = silentLogger,
): Plugin {
  const onRequest = plugin.onRequest;
  if (!onRequest) return plugin;
  return {
    ...plugin,
    async onRequest(payload) {
      try {
        await onRequest(payload);
      } catch (error) {
        if (error instanceof GraphQLError && error.extensions?.['http'] != null) throw error;
        const requestId = requestIdOf(payload.request);
        logger.error({ requestId, path: payload.url.pathname, err: error }, 'unexpected error');
        payload.endResponse(
          new payload.fetchAPI.Response(
            JSON.stringify({
              errors: [
                {
                  message: MASKED_ERROR_MESSAGE,
                  extensions: {
                    code: 'INTERNAL_SERVER_ERROR' satisfies ErrorCode,
                    ...(requestId ? { requestId } : {}),
                  },
                },
              ],
            }),
            { status: 500, headers: { 'content-type': 'application/json; charset=utf-8' } },
          ),
        );
      }
    },
  };
}
