// GET /plans/<id>/allocations.csv and GET /plans/<id>.json: a plan's export in
// one request, streamed a few hundred rows at a time (src/plans/export.ts)
// rather than paged through GraphQL 100 rows a request. The caller is the one
// useAuthentication accepted (any role reads plans, as every query needs
// viewer); the Host check runs before it, as for every path.
import type { Plugin } from 'graphql-yoga';
import { authOf } from '../auth/authenticate.js';
import type { Database } from '../db/database.js';
import { isUuid } from '../db/ids.js';
import type { ErrorCode } from '../errors.js';
import { allocationsCsvChunks, planJsonChunks } from '../plans/export.js';
import { AS_SHOWN, storedPlanResult } from '../db/plan-store.js';

const ROUTE = /^\/plans\/([^/]+?)(\/allocations\.csv|\.json)$/;

/** Whether a path is one of the export routes (useAuthentication guards them like /graphql). */
export const isPlanExportPath = (path: string): boolean => ROUTE.test(path);

type FetchAPI = { Response: typeof Response; ReadableStream: typeof ReadableStream };

function jsonError(fetchAPI: FetchAPI, status: number, code: ErrorCode, message: string, headers = {}): Response {
  return new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

/** A body that asks the generator for its next piece only when the client has taken the last one. */
function streamOf(fetchAPI: FetchAPI, chunks: Iterator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new fetchAPI.ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
  });
}

export function usePlanExports(db: Database): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      const match = ROUTE.exec(url.pathname);
      if (!match) return;
      // useAuthentication answered 401 already; without a caller this is no request of ours
      if (!authOf(request)) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(
          jsonError(fetchAPI, 405, 'BAD_REQUEST', `${url.pathname} answers GET only`, { allow: 'GET, HEAD' }),
        );
        return;
      }
      let id: string;
      try {
        id = decodeURIComponent(match[1]!);
      } catch {
        id = match[1]!; // a malformed escape names no plan
      }
      const csv = match[2] === '/allocations.csv';
      // a string that is no uuid names no plan (and would make PostgreSQL refuse the cast)
      const plan = isUuid(id) ? await db.prisma.plan.findUnique({ where: { id }, omit: AS_SHOWN }) : null;
      if (!plan) {
        endResponse(jsonError(fetchAPI, 404, 'NOT_FOUND', `no plan with id "${id.slice(0, 100)}"`));
        return;
      }
      const result = csv ? storedPlanResult(plan.result) : null;
      if (csv && !result) {
        endResponse(
          jsonError(
            fetchAPI,
            409,
            'CONFLICT',
            `plan ${id} is ${plan.status} and has no solution: it has no allocations`,
          ),
        );
        return;
      }
      const name = csv ? `tokengrid-plan-${id}-allocations.csv` : `tokengrid-plan-${id}.json`;
      const body =
        request.method === 'HEAD'
          ? null
          : streamOf(fetchAPI, csv ? allocationsCsvChunks(result!.allocations) : planJsonChunks(plan));
      endResponse(
        new fetchAPI.Response(body, {
          status: 200,
          headers: {
            'content-type': csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
            'content-disposition': `attachment; filename="${name}"`,
            // a plan that is final never changes, but a running one does: never from a cache
            'cache-control': 'no-store',
            'x-content-type-options': 'nosniff',
          },
        }),
      );
    },
  };
}
