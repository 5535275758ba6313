// The HTTP application: GraphQL at /graphql (GraphiQL in the browser), the web app
// at / (when given its directory), a plan's exports under /plans/, /health
// (the process is alive) and /ready (the database answers and its schema is current).
import { randomUUID } from 'node:crypto';
import type { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, type Plugin } from 'graphql-yoga';
import { LOCAL_ADMIN, useAuthentication, type AuthMode } from '../auth/authenticate.js';
import type { Database } from '../db/database.js';
import { migrationStatus } from '../db/migrate.js';
import { createContext, type Context } from '../graphql/context.js';
import { schema } from '../graphql/schema/index.js';
import { SubscriptionGuard } from '../graphql/subscriptions.js';
import type { Jobs } from '../jobs/runtime.js';
import { silentLogger, type Logger } from '../observability/logger.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { useRequestLog, yogaLoggerFor } from '../observability/request-log.js';
import { useHealthEndpoints, type Readiness } from './health.js';
import { useHostCheck } from './host-check.js';
import {
  useMissingQueryIs400,
  useRequestIdInErrors,
  wasLoggedWithRequestId,
  withMaskedRequestErrors,
} from './error-contract.js';
import { corsFor } from './cors.js';
import { REJECTION_REASONS } from './limit-errors.js';
import { DEFAULT_LIMITS, type Limits } from '../limits-config.js';
import { solverCapsFromLimits } from '../plans/solver-caps.js';
import { useBodySizeLimit } from './plugins/use-body-size-limit.js';
import { useComplexityLimit } from './plugins/use-complexity-limit.js';
import { useCsrfPrevention } from './plugins/use-csrf-prevention.js';
import { useDisableIntrospection } from './plugins/use-disable-introspection.js';
import { useMaxAliases } from './plugins/use-max-aliases.js';
import { useMaxDepth } from './plugins/use-max-depth.js';
import { useMaxTokens } from './plugins/use-max-tokens.js';
import { useRateLimits } from './plugins/use-rate-limits.js';
import { rateLimitStoreFor } from './rate-limit-store.js';
import { useRootFieldAuthorization } from './plugins/use-root-field-authorization.js';
import { useWebApp } from './static.js';
import { isPlanExportPath, usePlanExports } from './plan-exports.js';

export interface AppOptions {
  db: Database;
  /** the job queue (src/jobs/runtime.ts); without it plans can be read but not requested, nor schedules changed */
  jobs?: Jobs | null;
  graphiql?: boolean;
  /** request limits, introspection, GraphiQL, CORS, rate limits (default: DEFAULT_LIMITS, as on loopback) */
  limits?: Limits;
  /** structured logs (default: none) */
  logger?: Logger;
  /** Prometheus metrics served at /metrics (default: a fresh registry without process metrics) */
  metrics?: Metrics;
  /**
   * who may call (src/auth/authenticate.ts). `tokengrid serve` always passes the
   * mode its address and keys call for (src/auth/startup.ts); the default is for
   * in-process callers (the CLI, tests): every request is the local admin.
   */
  auth?: AuthMode;
  /** the built web app (dist/web) served at `/`; none by default (src/server/static.ts) */
  webDir?: string | null;
  /**
   * Host header values answered besides the loopback names, or null to answer every Host
   * (the default, for in-process callers; `tokengrid serve` passes its configuration's)
   */
  allowedHosts?: readonly string[] | null;
}

/** GET /metrics: this app's registry in Prometheus text format; the queue depth is read at each scrape. */
function useMetricsEndpoint(metrics: Metrics, jobs: Jobs | null, logger: Logger): Plugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== '/metrics') return;
      if (jobs) {
        try {
          metrics.queueDepth.set(await jobs.plans.queueSize());
        } catch (error) {
          logger.warn({ err: error }, 'metrics: the solve queue depth could not be read');
        }
      }
      endResponse(
        new fetchAPI.Response(await metrics.registry.metrics(), {
          status: 200,
          headers: { 'content-type': metrics.registry.contentType },
        }),
      );
    },
  };
}

let renderedGraphiQL: { key: string; html: string } | undefined;

/**
 * The page is about 14 MB of inlined assets: rendered once per set of options, not
 * per request, and its package loaded at the first render (not by every CLI command
 * that builds an app for in-process GraphQL).
 */
async function renderGraphiQLOffline(options: Parameters<typeof renderGraphiQL>[0]): Promise<string> {
  const key = JSON.stringify(options ?? {});
  if (renderedGraphiQL?.key !== key) {
    const { renderGraphiQL: render } = await import('@graphql-yoga/render-graphiql');
    renderedGraphiQL = { key, html: render(options) };
  }
  return renderedGraphiQL.html;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes the caller's x-request-id when it is sane, else makes one; echoes it back. */
function requestIdOf(request: Request): string {
  const given = request.headers.get('x-request-id');
  return given && REQUEST_ID.test(given) ? given : randomUUID();
}

const ids = new WeakMap<Request, string>();

/** The id useRequestIdHeader gave a request. */
const requestIdFor = (request: Request): string | undefined => ids.get(request);

/** /ready answers within this long: a database that has not answered by then does not answer. */
export const READINESS_TIMEOUT_MS = 2_000;

/** Rejects after `ms` (the timer never keeps the process alive, and is cleared when `work` settles first). */
function within<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Ready when the database answers and its migration history is current; else what is wrong, in one line. */
async function readinessOf(db: Database, logger: Logger, timeoutMs = READINESS_TIMEOUT_MS): Promise<Readiness> {
  try {
    // a black-holed connection would hold the probe for the whole statement timeout
    const status = await within(migrationStatus(db), timeoutMs, `no answer within ${timeoutMs} ms`);
    if (status.divergence) return { ready: false, reason: `the migration history has diverged: ${status.divergence}` };
    if (status.pending.length) {
      return {
        ready: false,
        reason: `${status.pending.length} migration(s) pending (${status.pending.join(', ')}): run tokengrid migrate`,
      };
    }
    return { ready: true };
  } catch (error) {
    // the driver's message may name hosts or users: it goes to the log, not to the probe
    logger.warn({ err: error }, 'ready: the database did not answer');
    return { ready: false, reason: 'the database does not answer' };
  }
}

function useRequestIdHeader(): Plugin {
  return {
    onRequest({ request }) {
      ids.set(request, requestIdOf(request));
    },
    onResponse({ request, response }) {
      const id = ids.get(request);
      if (id) response.headers.set('x-request-id', id);
    },
    onContextBuilding({ context, extendContext }) {
      const request = (context as { request?: Request }).request;
      const id = request ? ids.get(request) : undefined;
      extendContext({ requestId: id ?? randomUUID() } as unknown as Partial<typeof context>);
    },
  };
}

export function createApp({
  db,
  jobs = null,
  graphiql = true,
  limits = DEFAULT_LIMITS,
  logger = silentLogger,
  metrics = createMetrics({ defaultMetrics: false }),
  auth = { kind: 'fixed', auth: LOCAL_ADMIN },
  webDir = null,
  allowedHosts = null,
}: AppOptions) {
  const solverCaps = solverCapsFromLimits(limits);
  const subscriptions = new SubscriptionGuard(db, limits.maxSubscriptionsPerKey);
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    // yoga always installs its own health check, ahead of every plugin (so without
    // x-request-id) and with an empty body; it is moved out of the way and
    // src/server/health.ts answers /health and /ready
    healthCheckEndpoint: '/.yoga-health-check-unused',
    landingPage: false,
    graphiql: graphiql && limits.graphiql ? { title: 'tokengrid', defaultQuery: DEFAULT_QUERY } : false,
    // GraphiQL from the installed package (scripts, styles, fonts, workers and
    // favicon inlined), never from a CDN: it works on a network without the internet
    renderGraphiQL: renderGraphiQLOffline,
    maskedErrors: true,
    // yoga's own log lines go to pino; a masked error is logged once, with its request id (error-contract.ts)
    logging: yogaLoggerFor(logger, wasLoggedWithRequestId),
    batching: false,
    multipart: false,
    // useBodySizeLimit reads every body once, at most maxImportBodyBytes (maxBodyBytes for a
    // caller that may not import); yoga's own limit would read it through one more stream
    maxRequestBodySize: false,
    cors: corsFor(limits.corsOrigins),
    context: ({ requestId }) => ({
      ...createContext(db, typeof requestId === 'string' ? requestId : randomUUID(), jobs),
      solverCaps,
      subscriptions,
    }),
    plugins: [
      useRequestIdHeader(),
      useRequestLog({
        logger,
        metrics,
        requestIdFor,
        graphqlEndpoint: '/graphql',
        rejectionReasons: REJECTION_REASONS,
      }),
      // 421 for a foreign Host before anything else runs (DNS rebinding; src/server/host-check.ts)
      ...(allowedHosts ? [useHostCheck(allowedHosts)] : []),
      useMetricsEndpoint(metrics, jobs, logger),
      ...(webDir ? [useWebApp(webDir)] : []),
      useHealthEndpoints({ readiness: () => readinessOf(db, logger) }),
      // 401 before the body is read (src/auth/authenticate.ts); puts ctx.auth on the context
      // its key lookup needs the database: a failure there is masked like one in execution
      withMaskedRequestErrors(useAuthentication(db, auth, '/graphql', isPlanExportPath), requestIdFor, logger),
      // GET /plans/<id>/allocations.csv and /plans/<id>.json, once the caller is known
      usePlanExports(db),
      // limits (src/server/plugins/) and the error contract (src/server/error-contract.ts)
      useCsrfPrevention(),
      useMissingQueryIs400(),
      useBodySizeLimit(limits),
      useMaxTokens(limits.maxTokens),
      useMaxDepth(limits.maxDepth),
      useMaxAliases(limits.maxAliases),
      ...(limits.introspection ? [] : [useDisableIntrospection()]),
      // at execution, over the root fields that execute: a forbidden field refuses
      // the whole mutation before any rate-limit token is spent
      useRootFieldAuthorization(),
      useComplexityLimit(limits.maxComplexity),
      useRateLimits(limits, { store: rateLimitStoreFor(db) }),
      useRequestIdInErrors(requestIdFor, logger),
    ],
  });
}

export type App = ReturnType<typeof createApp>;

const DEFAULT_QUERY = `# tokengrid: the ten cheapest-power sites, their GPUs and the cost of a million tokens there; the fleet in total.
query Sites {
  sites(first: 10, orderBy: { field: PRICE_PER_KWH }) {
    totalCount
    edges {
      node {
        code
        name
        pricePerKwh
        coolingType
        effectivePue
        powerCapKw
        inventory { gpuType { code } installed maxAdditional }
        costPerMillionTokens(gpuType: "H100-SXM", workloadClass: "STANDARD", model: "LLAMA-2-70B")
      }
    }
  }
  fleet { sites gpusInstalled itPowerKw demandTokensPerSecond }
}
`;
