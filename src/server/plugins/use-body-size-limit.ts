// Body size: maxBodyBytes for every operation but importDataset, which may send up
// to maxImportBodyBytes. Whether a request is an import is known only at
// execution (fragments and directives decide what runs), so the body is read up
// to the larger bound and judged there; but a caller whose role may not import
// is held to maxBodyBytes while reading, and nothing past it is read.
// This is the only reader of the body before the GraphQL parser: yoga's own
// limit (maxRequestBodySize) is off in src/server/app.ts, as it would pipe every
// body through one more stream and request, and its Content-Length check is here.
import type { Plugin } from 'graphql-yoga';
import { roleAllows } from '../../auth/api-keys.js';
import { authOf, type Auth } from '../../auth/authenticate.js';
import { neededRoleOf } from '../../graphql/authorization.js';
import { schema } from '../../graphql/schema/index.js';
import type { Limits } from '../../limits-config.js';
import { limitError } from '../limit-errors.js';
import { GraphQLError } from 'graphql';
import { executedRootFields } from './executed-root-fields.js';

const bytes = (value: number): string => `${value.toLocaleString('en-US')} bytes`;

/** Only this operation may send a body over the ordinary limit. */
const LARGE_BODY_FIELD = 'importDataset';
const IMPORT_ROLE = neededRoleOf(schema.getMutationType()!, LARGE_BODY_FIELD) ?? 'admin';

/** True when every executed root field is importDataset (or __typename), and one is. */
export function isImportOnly(executed: ReturnType<typeof executedRootFields>): boolean {
  return (
    executed?.operation === 'mutation' &&
    executed.fields.every((field) => field === LARGE_BODY_FIELD || field === '__typename') &&
    executed.fields.includes(LARGE_BODY_FIELD)
  );
}

/** The body, or null as soon as it passes `max` bytes (the rest is left unread). */
async function readAtMost(body: ReadableStream<Uint8Array>, max: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      reader.releaseLock();
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return all;
}

/** Only a single non-negative integer is a Content-Length (yoga's rule: a list of them is request smuggling). */
const CONTENT_LENGTH = /^\d+$/;

/** What yoga's maxRequestBodySize answered for a malformed Content-Length. */
const invalidContentLength = () =>
  new GraphQLError('Content-Length header is invalid.', {
    extensions: { http: { status: 400 }, code: 'BAD_REQUEST' },
  });

/** Each parsed request's body size, for the decision at execution. */
const bodySizes = new WeakMap<Request, number>();

export function useBodySizeLimit(limits: Pick<Limits, 'maxBodyBytes' | 'maxImportBodyBytes'>): Plugin {
  const tooLarge = (size: string) =>
    limitError(
      `The request body is ${size}; the limit is ${bytes(limits.maxBodyBytes)} (${bytes(limits.maxImportBodyBytes)} for importDataset).`,
      'REQUEST_ENTITY_TOO_LARGE',
      413,
    );
  // 403 rather than 413: the body is over this caller's limit because its role
  // may not import, and saying so tells it what would help. `connection: close`
  // lets the server drop the socket instead of reading the rest to reuse it.
  const mayNotImport = (size: string, auth: Auth | null) =>
    limitError(
      `The request body is ${size}; the limit is ${bytes(limits.maxBodyBytes)} for ${auth ? `a ${auth.role}` : 'an unauthenticated caller'}: only importDataset may send more, and your role may not import (it needs the ${IMPORT_ROLE} role).`,
      'FORBIDDEN',
      403,
      { connection: 'close' },
    );
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const contentLength = request.headers.get('content-length');
      if (contentLength !== null && !CONTENT_LENGTH.test(contentLength)) throw invalidContentLength();
      if (!requestParser || request.body == null) return;
      const parser = requestParser;
      const auth = authOf(request);
      const mayImport = auth !== null && roleAllows(auth.role, IMPORT_ROLE);
      const max = mayImport ? limits.maxImportBodyBytes : limits.maxBodyBytes;
      const refuse = (size: string) => (mayImport ? tooLarge(size) : mayNotImport(size, auth));
      setRequestParser(async (req) => {
        const declared = Number(req.headers.get('content-length'));
        if (declared > max) throw refuse(bytes(declared));
        const body = await readAtMost(req.body!, max);
        if (!body) throw refuse(`over ${bytes(max)}`);
        bodySizes.set(request, body.byteLength);
        // the server's own Request class: the global one (undici) is several times slower to build and read
        return parser(new fetchAPI.Request(req.url, { method: req.method, headers: req.headers, body }));
      });
    },
    onExecute({ args, setResultAndStopExecution }) {
      const request = (args.contextValue as { request?: Request }).request;
      const size = request ? (bodySizes.get(request) ?? 0) : 0;
      if (size > limits.maxBodyBytes && !isImportOnly(executedRootFields(args))) {
        setResultAndStopExecution({ errors: [tooLarge(bytes(size))] });
      }
    },
  };
}
