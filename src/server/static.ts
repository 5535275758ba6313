// The planner's web app (web/, built by Vite into dist/web) at `/` and its assets.
// Only GET/HEAD of `/`, `/index.html` and files under `/assets/` are answered here;
// everything else (/graphql, /health, /ready, /metrics) goes on to yoga.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Plugin } from 'graphql-yoga';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

const NOT_BUILT = 'The tokengrid web app is not built: run `npm run build` (GraphiQL is at /graphql).\n';

export function useWebApp(webDir: string): Plugin {
  const root = normalize(webDir);
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      const path = url.pathname === '/' ? '/index.html' : url.pathname;
      if (path !== '/index.html' && !path.startsWith('/assets/')) return;
      let file: string;
      try {
        file = normalize(join(root, decodeURIComponent(path)));
      } catch {
        return; // a malformed escape: not one of ours
      }
      if (!file.startsWith(root + sep)) return;
      let body: Buffer;
      try {
        body = await readFile(file);
      } catch {
        if (path === '/index.html') {
          endResponse(
            new fetchAPI.Response(NOT_BUILT, { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' } }),
          );
        } else {
          endResponse(
            new fetchAPI.Response('not found\n', {
              status: 404,
              headers: { 'content-type': 'text/plain; charset=utf-8' },
            }),
          );
        }
        return;
      }
      const headers = {
        'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        // Vite puts a content hash in every asset name; the page itself must be revalidated
        'cache-control': path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        'x-content-type-options': 'nosniff',
      };
      endResponse(
        new fetchAPI.Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers }),
      );
    },
  };
}
