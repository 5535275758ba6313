// Yoga's `cors` option: CORS headers only for an allowlisted Origin.
import { CSRF_HEADERS } from './plugins/use-csrf-prevention.js';

/** No CORS headers at all without an allowlist, so browsers keep to the same origin. */
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
