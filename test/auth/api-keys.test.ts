import { describe, expect, it } from 'vitest';
import { generateApiKey, parseBearer, roleAllows, secretMatches } from '../../src/auth/api-keys.js';

describe('API keys', () => {
  it('generates keys that parse back to their id and verify against the stored hash only', () => {
    const created = generateApiKey();
    expect(created.key).toMatch(/^tgk_[a-z0-9]{12}_[A-Za-z0-9_-]{32}$/);
    expect(created.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(created.key).not.toContain(created.secretHash);
    const parsed = parseBearer(`Bearer ${created.key}`);
    expect(parsed).toMatchObject({ ok: true, keyId: created.keyId });
    if (!parsed.ok) throw new Error('unreachable');
    expect(secretMatches(parsed.secret, created.secretHash)).toBe(true);
    expect(
      secretMatches(
        parsed.secret.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
        created.secretHash,
      ),
    ).toBe(false);
  });

  it('never issues the same key twice', () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateApiKey().key));
    expect(keys.size).toBe(200);
  });

  it('tells a missing header from a malformed one', () => {
    expect(parseBearer(undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(parseBearer('')).toEqual({ ok: false, reason: 'missing' });
    for (const bad of [
      'Basic abc',
      'Bearer',
      'Bearer tgk_short_x',
      'Bearer tgk_ABCDEFGHIJKL_' + 'a'.repeat(32),
      `Bearer ${generateApiKey().key} extra`,
    ]) {
      expect(parseBearer(bad)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('orders roles viewer < planner < admin', () => {
    expect(roleAllows('admin', 'planner')).toBe(true);
    expect(roleAllows('planner', 'planner')).toBe(true);
    expect(roleAllows('planner', 'admin')).toBe(false);
    expect(roleAllows('viewer', 'planner')).toBe(false);
    expect(roleAllows('viewer', 'viewer')).toBe(true);
  });
});
