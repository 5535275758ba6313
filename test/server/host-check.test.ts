// Which Host header values a loopback server answers (src/net.ts), and the
// TOKENGRID_ALLOWED_HOSTS variable that adds names (src/config.ts).
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { isAllowedHost, parseHostHeader } from '../../src/net.js';

describe('isAllowedHost', () => {
  it('accepts the loopback names, with or without a port', () => {
    for (const host of [
      'localhost',
      'localhost:4000',
      'LOCALHOST:4000',
      '127.0.0.1',
      '127.0.0.1:4000',
      '127.8.9.10:1',
      '[::1]',
      '[::1]:4000',
      '[::ffff:127.0.0.1]:4000',
    ])
      expect(isAllowedHost(host, []), host).toBe(true);
  });

  it('refuses every other name, and anything that is not name[:port]', () => {
    for (const host of [
      'evil.example',
      'evil.example:4000',
      'localhost.',
      'localhost.evil.example',
      'a.localhost',
      '127.0.0.1.nip.io:4000',
      '128.0.0.1',
      '2130706433',
      '0.0.0.0:4000',
      '[::]:4000',
      '::1',
      'localhost:4000:1',
      'localhost:port',
      'user@localhost',
      '',
    ])
      expect(isAllowedHost(host, []), host).toBe(false);
    expect(isAllowedHost(null, [])).toBe(false);
  });

  it('accepts configured names: a bare name on any port, name:port on that port only', () => {
    const allowed = ['planner.example.com', 'tokengrid.internal:8443'];
    expect(isAllowedHost('planner.example.com', allowed)).toBe(true);
    expect(isAllowedHost('Planner.Example.com:4000', allowed)).toBe(true);
    expect(isAllowedHost('tokengrid.internal:8443', allowed)).toBe(true);
    expect(isAllowedHost('tokengrid.internal:4000', allowed)).toBe(false);
    expect(isAllowedHost('tokengrid.internal', allowed)).toBe(false);
    expect(isAllowedHost('evil.planner.example.com', allowed)).toBe(false);
    expect(isAllowedHost('localhost:4000', allowed)).toBe(true);
  });

  it('parses name and port', () => {
    expect(parseHostHeader('[::1]:4000')).toEqual({ name: '[::1]', port: '4000' });
    expect(parseHostHeader('Example.COM')).toEqual({ name: 'example.com', port: null });
    expect(parseHostHeader('a b')).toBeNull();
  });
});

describe('TOKENGRID_ALLOWED_HOSTS', () => {
  it('on loopback the Host is always checked; the variable adds names', () => {
    expect(loadConfig({}).allowedHosts).toEqual([]);
    expect(loadConfig({ HOST: '::1', TOKENGRID_ALLOWED_HOSTS: ' a.example , B.example:81 ' }).allowedHosts).toEqual([
      'a.example',
      'b.example:81',
    ]);
  });

  it('on a network address the Host is checked only when the variable is set', () => {
    expect(loadConfig({ HOST: '0.0.0.0' }).allowedHosts).toBeNull();
    expect(loadConfig({ HOST: '0.0.0.0', TOKENGRID_ALLOWED_HOSTS: 'planner.example.com' }).allowedHosts).toEqual([
      'planner.example.com',
    ]);
  });

  it('a value that is not a host name stops the start, naming the variable and the value', () => {
    expect(() => loadConfig({ TOKENGRID_ALLOWED_HOSTS: 'ok.example,https://planner.example.com' })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ TOKENGRID_ALLOWED_HOSTS: 'ok.example,https://planner.example.com' })).toThrow(
      /TOKENGRID_ALLOWED_HOSTS\.1: "https:\/\/planner\.example\.com" is not a host name/,
    );
  });
});
