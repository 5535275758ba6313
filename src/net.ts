// Network address helpers shared by the configuration (loopback defaults),
// start-up access (who may call without a key) and webhooks (which
// destinations they may reach, and their URLs as shown).
import { BlockList, isIP } from 'node:net';

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
// ---- where a webhook may go (src/schedules/ checks a URL when it is stored,
// src/jobs/plan-webhook.ts every resolved address when it is delivered)

/** Address ranges a webhook may not reach unless allowed, each with the word an outcome uses for it. */
const FORBIDDEN_RANGES: readonly { kind: string; family: 'ipv4' | 'ipv6'; network: string; prefix: number }[] = [
  { kind: 'loopback', family: 'ipv4', network: '127.0.0.0', prefix: 8 },
  { kind: 'loopback', family: 'ipv6', network: '::1', prefix: 128 },
  { kind: 'unspecified', family: 'ipv4', network: '0.0.0.0', prefix: 8 },
  { kind: 'unspecified', family: 'ipv6', network: '::', prefix: 128 },
  { kind: 'link-local', family: 'ipv4', network: '169.254.0.0', prefix: 16 },
  { kind: 'link-local', family: 'ipv6', network: 'fe80::', prefix: 10 },
  { kind: 'private', family: 'ipv4', network: '10.0.0.0', prefix: 8 },
  { kind: 'private', family: 'ipv4', network: '172.16.0.0', prefix: 12 },
  { kind: 'private', family: 'ipv4', network: '192.168.0.0', prefix: 16 },
  // carrier-grade NAT (also where some clouds put their metadata service: 100.100.100.200)
  { kind: 'private', family: 'ipv4', network: '100.64.0.0', prefix: 10 },
  { kind: 'private', family: 'ipv6', network: 'fc00::', prefix: 7 },
  { kind: 'multicast', family: 'ipv4', network: '224.0.0.0', prefix: 4 },
  { kind: 'multicast', family: 'ipv6', network: 'ff00::', prefix: 8 },
  // 240/4 and the broadcast address: nothing a webhook should reach
  { kind: 'reserved', family: 'ipv4', network: '240.0.0.0', prefix: 4 },
];

const FORBIDDEN = FORBIDDEN_RANGES.map((range) => {
  const list = new BlockList();
  list.addSubnet(range.network, range.prefix, range.family);
  return { kind: range.kind, list };
});

/** Names of cloud instance-metadata services (they answer on link-local addresses, but a resolver may say otherwise). */
const METADATA_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.com',
  'metadata.platformequinix.com',
  'instance-data',
  'instance-data.ec2.internal',
]);

/** The operator's exceptions: host names allowed as they are written, and addresses or CIDR ranges. */
export interface DestinationAllow {
  hosts: ReadonlySet<string>;
  addresses: BlockList;
  /** as configured, for messages */
  entries: readonly string[];
}

export const NO_DESTINATION_ALLOW: DestinationAllow = {
  hosts: new Set(),
  addresses: new BlockList(),
  entries: [],
};

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/** `a.example, 10.1.2.3, 192.168.0.0/16, ::1` → the allow list, or the entry that is neither a host name nor an address/CIDR. */
export function parseDestinationAllow(
  text: string,
): { ok: true; allow: DestinationAllow } | { ok: false; message: string } {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const hosts = new Set<string>();
  const addresses = new BlockList();
  for (const entry of entries) {
    const slash = entry.indexOf('/');
    if (slash >= 0) {
      const network = bareAddress(entry.slice(0, slash));
      const prefixText = entry.slice(slash + 1);
      const family = isIP(network);
      const prefix = Number(prefixText);
      if (!family || !/^\d{1,3}$/.test(prefixText) || prefix > (family === 4 ? 32 : 128))
        return { ok: false, message: `"${entry}" is not a CIDR range such as 10.0.0.0/8 or fd00::/8` };
      addresses.addSubnet(network, prefix, family === 4 ? 'ipv4' : 'ipv6');
      continue;
    }
    const address = bareAddress(entry);
    const family = isIP(address);
    if (family) {
      addresses.addAddress(address, family === 4 ? 'ipv4' : 'ipv6');
      continue;
    }
    const host = normalHostName(entry);
    if (!HOST_NAME.test(host))
      return { ok: false, message: `"${entry}" is not a host name, an IP address or a CIDR range` };
    hosts.add(host);
  }
  return { ok: true, allow: { hosts, addresses, entries } };
}

const bareAddress = (host: string) => host.replace(/^\[|\]$/g, '');
/** lower case, without the trailing dot of a fully qualified name */
const normalHostName = (host: string) => host.toLowerCase().replace(/\.$/, '');

/** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or IPv4-compatible (::a.b.c.d) IPv6 address. */
function embeddedIpv4(address: string): string | null {
  const words = ipv6Words(address);
  if (!words || words.slice(0, 5).some((word) => word !== 0)) return null;
  if (words[5] !== 0xffff && words[5] !== 0) return null;
  // ::, ::1 are themselves, not 0.0.0.0 and 0.0.0.1
  if (words[5] === 0 && words[6] === 0) return null;
  return [words[6]! >> 8, words[6]! & 0xff, words[7]! >> 8, words[7]! & 0xff].join('.');
}

/** The eight 16-bit words of an IPv6 address (dotted IPv4 tail allowed); null when it is not one. */
function ipv6Words(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  let text = address.replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((word) => parseInt(word, 16)));
  const first = parse(head);
  const last = tail === undefined ? [] : parse(tail);
  const middle = tail === undefined ? [] : new Array<number>(8 - first.length - last.length).fill(0);
  const words = [...first, ...middle, ...last];
  return words.length === 8 ? words : null;
}

/** Why an IP address may not be a webhook's destination ("loopback", "private", …), or null when it may. */
export function forbiddenAddressKind(address: string, allow: DestinationAllow = NO_DESTINATION_ALLOW): string | null {
  const bare = bareAddress(address);
  const family = isIP(bare);
  if (!family) return null;
  const v4 = family === 6 ? embeddedIpv4(bare) : bare;
  const [checked, checkedFamily] = v4 ? [v4, 'ipv4' as const] : [bare, 'ipv6' as const];
  if (allow.addresses.check(bare, family === 4 ? 'ipv4' : 'ipv6') || allow.addresses.check(checked, checkedFamily))
    return null;
  if (checkedFamily === 'ipv4' && checked === '255.255.255.255') return 'reserved';
  return FORBIDDEN.find((range) => range.list.check(checked, checkedFamily))?.kind ?? null;
}

/**
 * Why a URL's host may not be a webhook's destination, as it is written (no
 * DNS: the delivery checks what the name resolves to), or null when it may.
 */
export function forbiddenHostReason(hostname: string, allow: DestinationAllow = NO_DESTINATION_ALLOW): string | null {
  const host = normalHostName(bareAddress(hostname));
  if (allow.hosts.has(host)) return null;
  if (isIP(host)) {
    const kind = forbiddenAddressKind(host, allow);
    return kind && `${kind === 'unspecified' ? 'an' : 'a'} ${kind} address`;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return 'a loopback address (localhost)';
  if (METADATA_NAMES.has(host)) return 'a cloud metadata service';
  return null;
}

/** A URL as an admin may see it: the userinfo password and credential-like query values replaced by `***`. */
export function redactedUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return '***';
  }
  if (url.password) url.password = '***';
  for (const name of [...new Set(url.searchParams.keys())]) {
    if (CREDENTIAL_PARAM.test(name)) url.searchParams.set(name, '***');
  }
  return url.toString();
}

const CREDENTIAL_PARAM = /token|key|secret|signature|^sig$|passw|^pwd$|auth|credential|session/i;
