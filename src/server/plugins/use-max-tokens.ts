// Tokens in the document: graphql-armor's counting parser, with our code, message and status.
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import type { DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { limitError } from '../limit-errors.js';
import { BoundedCache } from './bounded-cache.js';

/** Documents kept parsed, most recently used first (yoga's own parse cache keeps 1024). */
const PARSED_DOCUMENTS = 1024;
/** A longer document is parsed each time it comes: it is rarely sent twice, and would hold its text in memory. */
const MAX_CACHED_SOURCE_CHARS = 64 * 1024;

/**
 * The document is parsed here and handed to yoga (setParsedDocument) rather than
 * through setParseFn: an error from the parse function passes yoga's parse-error
 * hook, which marks it a spec error (200 for application/json clients), while
 * the limit is a 400 for every client. Syntax errors are left to yoga's parse.
 *
 * The same text gets the same DocumentNode back: this hook runs after yoga's
 * parse cache and would otherwise replace its document with a new one at every
 * request, and yoga's validation cache (keyed by the document object) would
 * never be hit.
 */
export function useMaxTokens(maxTokens: number): Plugin {
  const parsed = new BoundedCache<string, DocumentNode>(PARSED_DOCUMENTS);
  return {
    onParse({ params, setParsedDocument }) {
      const source = params.source.toString();
      const known = parsed.get(source);
      if (known) return void setParsedDocument(known);
      let refused = false;
      const parser = new MaxTokensParserWLexer(params.source, {
        ...params.options,
        n: maxTokens,
        onReject: [() => void (refused = true)],
      });
      try {
        const document = parser.parseDocument();
        if (source.length <= MAX_CACHED_SOURCE_CHARS) parsed.set(source, document);
        setParsedDocument(document);
      } catch (error) {
        if (!refused) return;
        throw limitError(
          `The document has more than ${maxTokens} tokens; the limit is ${maxTokens}.`,
          'TOO_MANY_TOKENS',
          400,
        );
      }
    },
  };
}
