// The armor-backed document limits on a small schema, in process: what they count
// (introspection fields count toward aliases, not depth), and the code, status and message of a refusal.
import { createSchema, createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { useCsrfPrevention } from '../../../src/server/plugins/use-csrf-prevention.js';
import { useMaxAliases } from '../../../src/server/plugins/use-max-aliases.js';
import { useMaxDepth } from '../../../src/server/plugins/use-max-depth.js';
import { useMaxTokens } from '../../../src/server/plugins/use-max-tokens.js';

const schema = createSchema({
  typeDefs: 'type Node { id: ID! next: Node } type Query { node: Node }',
  resolvers: { Query: { node: () => null } },
});

const app = createYoga({ schema, plugins: [useCsrfPrevention(), useMaxTokens(40), useMaxDepth(3), useMaxAliases(2)] });

async function post(query: string, accept = 'application/json') {
  const response = await app.fetch('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: await response.json() };
}

describe('document limits', () => {
  it('refuse with their code and message, a 400 for application/json clients too', async () => {
    for (const accept of ['application/json', 'application/graphql-response+json']) {
      expect(await post('{ node { next { next { id } } } }', accept)).toEqual({
        status: 400,
        body: {
          errors: [
            expect.objectContaining({
              message: 'The query is 4 fields deep; the limit is 3.',
              extensions: { code: 'QUERY_TOO_DEEP' },
            }),
          ],
        },
      });
    }
    expect((await post('{ a: node { id } b: node { id } c: node { id } }')).body.errors[0]).toMatchObject({
      message: 'The query has 3 aliases; the limit is 2.',
      extensions: { code: 'TOO_MANY_ALIASES' },
    });
    const over = await post(`{ node { ${'id '.repeat(40)} } }`);
    expect(over.status).toBe(400);
    expect(over.body.errors[0]).toMatchObject({
      message: 'The document has more than 40 tokens; the limit is 40.',
      extensions: { code: 'TOO_MANY_TOKENS' },
    });
  });

  it('leave syntax errors to the parser', async () => {
    expect((await post('{ node { id ')).body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('depth leaves out introspection fields (__schema, __type, __typename) and what is under them', async () => {
    const deepType = '{ __type(name: "Node") { fields { type { ofType { name } } } } }';
    expect((await post(deepType)).body.data.__type.fields).toHaveLength(2);
    expect((await post('{ node { next { next { __typename } } } }')).status).toBe(200);
  });

  it('aliases count introspection fields like any other (aliased __typename is free, as in armor)', async () => {
    expect((await post('{ a: __typename b: __typename c: __typename node { id } }')).status).toBe(200);
    const schemas = await post(
      '{ a: __schema { queryType { name } } b: __schema { queryType { name } } c: __schema { queryType { name } } }',
    );
    expect(schemas.status).toBe(400);
    expect(schemas.body.errors[0].extensions.code).toBe('TOO_MANY_ALIASES');
    expect((await post('{ __schema { a: types { name } b: types { name } c: types { name } } }')).status).toBe(400);
  });
});

describe('CSRF prevention', () => {
  it('refuses a GET without the header with 403 CSRF_PREVENTED; either header lets it through', async () => {
    const url = `http://test/graphql?query=${encodeURIComponent('{ __typename }')}`;
    const bare = await app.fetch(url, { headers: { accept: 'application/json' } });
    expect(bare.status).toBe(403);
    expect((await bare.json()).errors[0]).toMatchObject({
      message: expect.stringMatching(/cross-site request forgery/),
      extensions: { code: 'CSRF_PREVENTED' },
    });
    for (const header of ['x-graphql-yoga-csrf', 'apollo-require-preflight'])
      expect((await app.fetch(url, { headers: { accept: 'application/json', [header]: '1' } })).status, header).toBe(
        200,
      );
  });
});
