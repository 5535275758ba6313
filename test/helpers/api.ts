// GraphQL through the real HTTP app in process (yoga.fetch), against a real database.
import type { Role } from '../../src/auth/api-keys.js';
import type { AuthMode } from '../../src/auth/authenticate.js';
import type { Database } from '../../src/db/database.js';
import type { Jobs } from '../../src/jobs/runtime.js';
import { createApp, type AppOptions } from '../../src/server/app.js';
import { DEFAULT_LIMITS, type Limits } from '../../src/limits-config.js';

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

/**
 * The default limits without the per-caller rate limits: every in-process
 * request is the same caller, and suites make many plan requests and imports
 * in a row (test/integration/limits.test.ts tests the rate limits).
 */
export const TEST_LIMITS: Limits = {
  ...DEFAULT_LIMITS,
  planRequestRate: { perMinute: 0, burst: 1 },
  importRate: { perMinute: 0, burst: 1 },
};

export interface TestCaller {
  /** every request acts as this role, without a key (default admin, so suites test what they test) */
  role?: Role;
  /** or: real authentication, with this key sent as `Authorization: Bearer <key>` (null: no header) */
  authMode?: AuthMode;
  key?: string | null;
}

export function testApi(
  db: Database,
  options: { jobs?: Jobs; limits?: Limits } & Pick<AppOptions, 'logger' | 'metrics'> & TestCaller = {},
) {
  const role = options.role ?? 'admin';
  const auth: AuthMode =
    options.authMode ??
    (role === 'admin'
      ? { kind: 'fixed', auth: { role, keyName: null, keyId: null, source: 'loopback-default' } }
      : { kind: 'fixed', auth: { role, keyName: `test-${role}`, keyId: null, source: 'key' } });
  const authorization: Record<string, string> = options.key ? { authorization: `Bearer ${options.key}` } : {};
  const app = createApp({
    db,
    auth,
    jobs: options.jobs ?? null,
    limits: options.limits ?? TEST_LIMITS,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  return {
    app,
    async graphql<T = Record<string, any>>(
      query: string,
      variables?: Record<string, unknown>,
    ): Promise<GraphQLResponse<T>> {
      const response = await app.fetch('http://tokengrid.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...authorization },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse<T>;
    },
    /** like graphql() but fails the test on any GraphQL error */
    async data<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T> {
      const result = await this.graphql<T>(query, variables);
      if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors, null, 2)}`);
      return result.data as T;
    },
  };
}
