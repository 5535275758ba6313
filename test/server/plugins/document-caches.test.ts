// The per-document caches of the request limits, in process: a bounded cache
// keeps its most recent entries, and a document sent again is neither parsed nor
// validated again (useMaxTokens hands yoga the same document for the same text).
import { createSchema, createYoga, type Plugin } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../../../src/server/plugins/bounded-cache.js';
import { useMaxDepth } from '../../../src/server/plugins/use-max-depth.js';
import { useMaxTokens } from '../../../src/server/plugins/use-max-tokens.js';

describe('BoundedCache', () => {
  it('keeps the most recently used entries, at most its size', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    cache.set('a', 10);
    cache.set('d', 4);
    expect(cache.size).toBe(2);
    expect(cache.get('c')).toBeUndefined();
    expect(cache.get('a')).toBe(10);
  });
});

describe('a document sent again', () => {
  const schema = createSchema({
    typeDefs: 'type Node { id: ID! next: Node } type Query { node: Node }',
    resolvers: { Query: { node: () => ({ id: '1', next: null }) } },
  });
  let validations = 0;
  /** counts the validations that really run (yoga's cache answers the others) */
  const countValidations: Plugin = {
    onValidate({ validateFn, setValidationFn }) {
      setValidationFn((...args) => {
        validations++;
        return validateFn(...args);
      });
    },
  };
  const app = createYoga({ schema, plugins: [useMaxTokens(40), useMaxDepth(3), countValidations] });
  const post = async (query: string) =>
    (
      await app.fetch('http://test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ query }),
      })
    ).json();

  it('is validated once, and answered the same', async () => {
    validations = 0;
    const query = '{ node { id next { id } } }';
    for (let i = 0; i < 3; i++) expect(await post(query)).toEqual({ data: { node: { id: '1', next: null } } });
    expect(validations).toBe(1);
    await post('{ node { id } }');
    expect(validations).toBe(2);
  });

  it('is refused again by the limits, from the cache', async () => {
    validations = 0;
    const tooDeep = '{ node { next { next { next { id } } } } }';
    for (let i = 0; i < 2; i++) {
      expect((await post(tooDeep)).errors[0].extensions.code).toBe('QUERY_TOO_DEEP');
    }
    expect(validations).toBe(1);
    const tooLong = `{ node { ${'id '.repeat(40)} } }`;
    for (let i = 0; i < 2; i++) {
      expect((await post(tooLong)).errors[0].extensions.code).toBe('TOO_MANY_TOKENS');
    }
  });
});
