// GET /health (the process is alive) and GET /ready (the database answers and
// its migration history is current), each with a short JSON body. They are a
// plugin of our own rather than yoga's health and readiness checks so that they
// run after the request-id plugin (every response carries x-request-id) and can
// say what is not ready.
import type { Plugin } from 'graphql-yoga';

export type Readiness = { ready: true } | { ready: false; reason: string };

export interface HealthOptions {
  healthEndpoint?: string;
  readyEndpoint?: string;
  /** never throws: a failure is a reason */
  readiness: () => Promise<Readiness>;
}

const json = (fetchAPI: { Response: typeof Response }, status: number, body: Record<string, string>) =>
  new fetchAPI.Response(JSON.stringify(body), {
    status,
    // a probe must see the state now, never a cached one
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });

export function useHealthEndpoints({
  healthEndpoint = '/health',
  readyEndpoint = '/ready',
  readiness,
}: HealthOptions): Plugin {
  return {
    async onRequest({ url, request, endResponse, fetchAPI }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      if (url.pathname === healthEndpoint) {
        endResponse(json(fetchAPI, 200, { status: 'ok' }));
      } else if (url.pathname === readyEndpoint) {
        const state = await readiness();
        endResponse(
          state.ready
            ? json(fetchAPI, 200, { status: 'ok' })
            : json(fetchAPI, 503, { status: 'not ready', reason: state.reason }),
        );
      }
    },
  };
}
