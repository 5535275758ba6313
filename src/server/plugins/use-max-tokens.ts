// Tokens in the document: graphql-armor's counting parser, with our code, message and status.
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import type { Plugin } from 'graphql-yoga';
import { limitError } from '../limit-errors.js';

/**
 * The document is parsed here and handed to yoga (setParsedDocument) rather than
 * through setParseFn: an error from the parse function passes yoga's parse-error
 * hook, which marks it a spec error (200 for application/json clients), while
 * the limit is a 400 for every client. Syntax errors are left to yoga's parse.
 */
export function useMaxTokens(maxTokens: number): Plugin {
  return {
    onParse({ params, setParsedDocument }) {
      let refused = false;
      const parser = new MaxTokensParserWLexer(params.source, {
        ...params.options,
        n: maxTokens,
        onReject: [() => void (refused = true)],
      });
      try {
        setParsedDocument(parser.parseDocument());
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
