// Network address helpers shared by the configuration (loopback defaults) and
// start-up access (who may call without a key).
import { isIP } from 'node:net';

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare.startsWith('::ffff:127.');
  return false;
}

/**
 * A Host header's name (lower-cased, IPv6 in brackets) and port, or null when it is
 * not `name[:port]`: a DNS name or IPv4 address, or a bracketed IPv6 address.
 */
export function parseHostHeader(value: string): { name: string; port: string | null } | null {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(value.trim());
  return match ? { name: match[1]!.toLowerCase(), port: match[2] ?? null } : null;
}

/**
 * Whether a request's Host names this server: a loopback name (localhost,
 * 127.0.0.0/8, [::1]; any port) or one of `allowed` (`name` for any port,
 * `name:port` for that port only). A page that rebinds its own DNS name to
 * 127.0.0.1 still sends its own name, so it is refused.
 */
export function isAllowedHost(header: string | null, allowed: readonly string[]): boolean {
  const host = header === null ? null : parseHostHeader(header);
  if (!host) return false;
  if (isLoopbackHost(host.name)) return true;
  return allowed.some((entry) => {
    const name = parseHostHeader(entry);
    return name !== null && name.name === host.name && (name.port === null || name.port === host.port);
  });
}
