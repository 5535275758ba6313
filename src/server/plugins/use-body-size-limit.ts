// Body size: larger for importDataset, which can only be known once the body is read.
import { getOperationAST, Kind, parse } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import type { Limits } from '../../limits-config.js';
import { limitError } from '../limit-errors.js';

const bytes = (value: number): string => `${value.toLocaleString('en-US')} bytes`;

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
 * request is refused unless it is an importDataset mutation.
 */
export function useBodySizeLimit(limits: Pick<Limits, 'maxBodyBytes' | 'maxImportBodyBytes' | 'maxTokens'>): Plugin {
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
