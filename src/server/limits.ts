// Request limits as yoga plugins: body size (larger for importDataset), document
// tokens, depth, aliases, complexity, introspection, CSRF prevention and the
// per-caller rate limits. Each refusal is a GraphQLError with a code and its
// HTTP status; `spec: false` keeps that status for application/json clients too
// (yoga turns spec errors into 200 for them).
import type { IncomingMessage } from 'node:http';
import {
  getOperationAST,
  GraphQLError,
  Kind,
  Lexer,
  NoSchemaIntrospectionCustomRule,
  parse,
  Source,
  TokenKind,
  validate,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationRule,
} from 'graphql';
import { createComplexityRule } from '@pothos/plugin-complexity';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import type { Limits, RateLimit } from '../limits-config.js';
import { RateLimiter } from './rate-limit.js';

export function limitError(
  message: string,
  code: string,
  status: number,
  headers?: Record<string, string>,
): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code, http: { status, spec: false, ...(headers ? { headers } : {}) } },
  });
}

const bytes = (value: number): string => `${value.toLocaleString('en-US')} bytes`;

// ---- body size

/** Only this operation may send a body over the ordinary limit. */
const LARGE_BODY_FIELD = 'importDataset';

/** True when the params run a mutation whose every root field is importDataset. */
export function isImportOnlyMutation(params: GraphQLParams, maxTokens: number): boolean {
  if (typeof params.query !== 'string') return false;
  let document;
  try {
    document = parse(params.query, { maxTokens });
  } catch {
    return false;
  }
  const operation = getOperationAST(document, params.operationName ?? undefined);
  if (!operation || operation.operation !== 'mutation') return false;
  const fields = operation.selectionSet.selections;
  return (
    fields.length > 0 &&
    fields.every(
      (selection) =>
        selection.kind === Kind.FIELD &&
        (selection.name.value === LARGE_BODY_FIELD || selection.name.value === '__typename'),
    ) &&
    fields.some((selection) => selection.kind === Kind.FIELD && selection.name.value === LARGE_BODY_FIELD)
  );
}

/**
 * Bodies up to maxImportBodyBytes are read (yoga's maxRequestBodySize enforces
 * that bound, from Content-Length and while streaming); past maxBodyBytes the
 * request is refused unless it is an importDataset mutation, which can only be
 * known once the body is read.
 */
export function useBodySizeLimits(limits: Pick<Limits, 'maxBodyBytes' | 'maxImportBodyBytes' | 'maxTokens'>): Plugin {
  const tooLarge = (size: string) =>
    limitError(
      `The request body is ${size}; the limit is ${bytes(limits.maxBodyBytes)} (${bytes(limits.maxImportBodyBytes)} for importDataset).`,
      'REQUEST_ENTITY_TOO_LARGE',
      413,
    );
  return {
    onRequestParse({ request, requestParser, setRequestParser }) {
      if (!requestParser || request.body == null) return;
      const parser = requestParser;
      setRequestParser(async (req) => {
        const body = new Uint8Array(await req.arrayBuffer());
        const params = await parser(new Request(req.url, { method: req.method, headers: req.headers, body }));
        if (body.byteLength > limits.maxBodyBytes && !(params instanceof Response)) {
          const all = Array.isArray(params) ? params : [params];
          if (!all.every((one) => isImportOnlyMutation(one, limits.maxTokens))) throw tooLarge(bytes(body.byteLength));
        }
        return params;
      });
    },
  };
}

// ---- document: tokens, depth, aliases, introspection, complexity

/** Lexical tokens in a document, counting stops past `max` (a syntax error stops it too: parse reports those). */
export function countTokens(query: string, max: number): number {
  const lexer = new Lexer(new Source(query));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      count += 1;
      if (count > max) break;
    }
  } catch {
    // left to the parser
  }
  return count;
}

interface Shape {
  depth: number;
  aliases: number;
}

/** Depth and alias count of a selection set, fragments expanded (each fragment measured once). */
function shapeOf(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  memo: Map<string, Shape>,
  visiting: Set<string>,
): Shape {
  let depth = 0;
  let aliases = 0;
  for (const selection of selectionSet.selections) {
    let inner: Shape;
    if (selection.kind === Kind.FIELD) {
      // introspection (__schema, __type, __typename) is limited by introspection being on or off, not here
      if (selection.name.value.startsWith('__')) continue;
      if (selection.alias) aliases += 1;
      const below = selection.selectionSet
        ? shapeOf(selection.selectionSet, fragments, memo, visiting)
        : { depth: 0, aliases: 0 };
      inner = { depth: below.depth + 1, aliases: below.aliases };
    } else if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const name = selection.name.value;
      const fragment = fragments.get(name);
      // unknown and cyclic fragments are reported by graphql's own rules
      if (!fragment || visiting.has(name)) continue;
      let known = memo.get(name);
      if (!known) {
        visiting.add(name);
        known = shapeOf(fragment.selectionSet, fragments, memo, visiting);
        visiting.delete(name);
        memo.set(name, known);
      }
      inner = known;
    } else {
      inner = shapeOf(selection.selectionSet, fragments, memo, visiting);
    }
    depth = Math.max(depth, inner.depth);
    aliases += inner.aliases;
  }
  return { depth, aliases };
}

export function depthAndAliasRule(maxDepth: number, maxAliases: number): ValidationRule {
  return (context) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    const memo = new Map<string, Shape>();
    return {
      OperationDefinition(operation) {
        const { depth, aliases } = shapeOf(operation.selectionSet, fragments, memo, new Set());
        if (depth > maxDepth) {
          context.reportError(
            limitError(`The query is ${depth} fields deep; the limit is ${maxDepth}.`, 'QUERY_TOO_DEEP', 400),
          );
        }
        if (aliases > maxAliases) {
          context.reportError(
            limitError(`The query has ${aliases} aliases; the limit is ${maxAliases}.`, 'TOO_MANY_ALIASES', 400),
          );
        }
      },
    };
  };
}

export function useDocumentLimits(
  limits: Pick<Limits, 'maxTokens' | 'maxDepth' | 'maxAliases' | 'maxComplexity' | 'introspection'>,
): Plugin {
  const shapeRule = depthAndAliasRule(limits.maxDepth, limits.maxAliases);
  return {
    onParams({ params }) {
      if (typeof params.query === 'string' && countTokens(params.query, limits.maxTokens) > limits.maxTokens) {
        throw limitError(
          `The document has more than ${limits.maxTokens} tokens; the limit is ${limits.maxTokens}.`,
          'TOO_MANY_TOKENS',
          400,
        );
      }
    },
    onValidate({ addValidationRule }) {
      addValidationRule(shapeRule);
      if (!limits.introspection) addValidationRule(NoSchemaIntrospectionCustomRule);
    },
    onExecute({ args, setResultAndStopExecution }) {
      let complexity = 0;
      // Pothos measures the selected operation with the request's variables (page sizes may be variables)
      validate(args.schema, args.document, [
        createComplexityRule({
          context: args.contextValue as object,
          variableValues: (args.variableValues ?? {}) as Record<string, unknown>,
          operationName: args.operationName ?? null,
          onResult: (result) => {
            complexity = Math.max(complexity, result.complexity);
          },
        }),
      ]);
      if (complexity > limits.maxComplexity) {
        setResultAndStopExecution({
          errors: [
            limitError(
              `The query's complexity is ${complexity}; the limit is ${limits.maxComplexity} (a list counts its page size times its selection: ask for fewer rows or fields).`,
              'QUERY_TOO_COMPLEX',
              400,
            ),
          ],
        });
      }
    },
  };
}

// ---- CSRF

/** Any non-empty value of one of these headers marks a request no plain HTML form or <img> could send. */
export const CSRF_HEADERS = ['x-graphql-yoga-csrf', 'apollo-require-preflight'] as const;

const SIMPLE_CONTENT_TYPES = new Set(['', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data']);

/**
 * A browser sends a cross-site GET or "simple" POST without asking the server
 * first (no CORS preflight). Such requests must carry a CSRF header; a POST with
 * application/json is preflighted by browsers and passes as it is.
 */
export function useCsrfPrevention(graphqlEndpoint: string): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== graphqlEndpoint || request.method === 'OPTIONS') return;
      const contentType = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      const preflighted = request.method !== 'GET' && !SIMPLE_CONTENT_TYPES.has(contentType);
      if (preflighted || CSRF_HEADERS.some((name) => request.headers.get(name))) return;
      // GraphiQL itself is a GET for text/html: no data is returned to another site's page
      if (
        request.method === 'GET' &&
        !url.searchParams.has('query') &&
        (request.headers.get('accept') ?? '').includes('text/html')
      )
        return;
      const message = `This request has been blocked as a possible cross-site request forgery: send it as a POST with content-type application/json, or add an ${CSRF_HEADERS[0]} header.`;
      // onRequest runs before yoga's error handling: answer directly, in the same shape
      endResponse(
        new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code: 'CSRF_PREVENTED' } }] }), {
          status: 403,
          headers: { 'content-type': 'application/json; charset=utf-8' },
        }),
      );
    },
  };
}

// ---- rate limits

/**
 * The caller a rate limit counts: the API key's id when the request carried a
 * key; else (the loopback default) the client's network address (requests made
 * in process, without a socket, share one identity).
 */
export function callerIdentityOf(context: unknown): string {
  const auth = (context as { auth?: { keyId: string | null } | null } | null)?.auth;
  if (auth?.keyId) return `key:${auth.keyId}`;
  const req = (context as { req?: IncomingMessage } | null)?.req;
  const address = req?.socket?.remoteAddress;
  return address ? `address:${address}` : 'address:in-process';
}

const PLAN_FIELDS = new Set(['requestPlan', 'resolvePlan']);
const IMPORT_FIELDS = new Set(['importDataset']);

export function useRateLimits(
  limits: Pick<Limits, 'planRequestRate' | 'importRate'>,
  options: { identity?: (context: unknown) => string; now?: () => number } = {},
): Plugin {
  const identity = options.identity ?? callerIdentityOf;
  const now = options.now ?? Date.now;
  const buckets: { name: string; fields: Set<string>; limiter: RateLimiter }[] = [
    { name: 'plan requests', fields: PLAN_FIELDS, limiter: new RateLimiter(limits.planRequestRate) },
    { name: 'imports', fields: IMPORT_FIELDS, limiter: new RateLimiter(limits.importRate) },
  ];
  const describe = (limit: RateLimit) => `${limit.perMinute} per minute, at most ${limit.burst} at once`;
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName ?? undefined);
      if (!operation || operation.operation !== 'mutation') return;
      const caller = identity(args.contextValue);
      for (const { name, fields, limiter } of buckets) {
        const cost = operation.selectionSet.selections.filter(
          (s) => s.kind === Kind.FIELD && fields.has(s.name.value),
        ).length;
        if (cost === 0) continue;
        const decision = limiter.take(caller, now(), cost);
        if (!decision.allowed) {
          setResultAndStopExecution({
            errors: [
              limitError(
                `Too many ${name}: the limit is ${describe(limiter.limit)}; retry in ${decision.retryAfterSeconds} s.`,
                'RATE_LIMITED',
                429,
                { 'retry-after': String(decision.retryAfterSeconds) },
              ),
            ],
          });
          return;
        }
      }
    },
  };
}

// ---- CORS

/** Yoga's `cors` option: CORS headers only for an allowlisted Origin; none at all without an allowlist. */
export function corsFor(origins: readonly string[]) {
  if (origins.length === 0) return false as const;
  const allowed = new Set(origins);
  return (request: Request) => {
    const origin = request.headers.get('origin');
    if (!origin || !allowed.has(origin)) return false as const;
    return {
      origin,
      methods: ['GET', 'POST'],
      allowedHeaders: ['content-type', 'accept', 'authorization', 'x-request-id', ...CSRF_HEADERS],
      exposedHeaders: ['x-request-id', 'retry-after'],
      credentials: false,
    };
  };
}

// ---- metrics

/** The reason label of `tokengrid_rejected_requests_total` for each refusal's code (src/observability/request-log.ts). */
export const REJECTION_REASONS: Readonly<Record<string, string>> = {
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
