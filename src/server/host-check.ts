// The Host check against DNS rebinding: a web page whose own name is made to
// resolve to 127.0.0.1 reaches a loopback server from the victim's browser, as
// the same origin, and on the keyless loopback default would act as admin. The
// page still sends its own name as Host, so a request whose Host names neither
// the loopback nor a configured name is refused before anything runs.
import type { Plugin } from 'graphql-yoga';
import type { ErrorCode } from '../errors.js';
import { isAllowedHost } from '../net.js';

/**
 * Paths answered whatever the Host: probes send the address they dial, and these
 * endpoints write nothing and say only whether the process and database are up.
 */
export const HOST_CHECK_OPEN_PATHS: readonly string[] = ['/health', '/ready'];

/**
 * 421 Misdirected Request (RFC 9110 §15.5.20): this server is not configured to
 * answer for that authority. (403 would read as "your key may not", which is
 * the FORBIDDEN answer of a role.)
 */
export function useHostCheck(allowedHosts: readonly string[]): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (HOST_CHECK_OPEN_PATHS.includes(url.pathname)) return;
      const host = request.headers.get('host') ?? url.host;
      if (isAllowedHost(host, allowedHosts)) return;
      const shown = host.length > 200 ? `${host.slice(0, 200)}…` : host;
      const names = ['localhost', '127.0.0.0/8', '[::1]', ...allowedHosts].join(', ');
      endResponse(
        new fetchAPI.Response(
          JSON.stringify({
            errors: [
              {
                message: `This server does not answer for Host "${shown}": it answers for ${names} (TOKENGRID_ALLOWED_HOSTS adds names).`,
                extensions: { code: 'MISDIRECTED_REQUEST' satisfies ErrorCode, host: shown },
              },
            ],
          }),
          { status: 421, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } },
        ),
      );
    },
  };
}
