// CSRF prevention: yoga's plugin, with our code and message. A browser sends a
// cross-site GET or "simple" POST (no content type, text/plain, form encodings)
// without asking the server first (no CORS preflight); such requests must carry
// a CSRF header. A POST with application/json is preflighted and passes as it is.
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { limitError } from '../limit-errors.js';

/** Either of these headers marks a request no plain HTML form or <img> could send. */
export const CSRF_HEADERS = ['x-graphql-yoga-csrf', 'apollo-require-preflight'] as const;

const MESSAGE = `This request has been blocked as a possible cross-site request forgery: send it as a POST with content-type application/json, or add an ${CSRF_HEADERS[0]} header.`;

export function useCsrfPrevention(): Plugin {
  const yogaCsrf = useCSRFPrevention({ requestHeaders: [...CSRF_HEADERS] });
  return {
    onRequestParse(payload) {
      // a preflight is CORS's business (src/server/cors.ts)
      if (payload.request.method === 'OPTIONS') return;
      try {
        yogaCsrf.onRequestParse?.(payload);
      } catch (error) {
        if (error instanceof GraphQLError && error.extensions['http']) throw limitError(MESSAGE, 'CSRF_PREVENTED', 403);
        throw error;
      }
    },
  };
}
