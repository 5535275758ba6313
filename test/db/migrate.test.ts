// Migration history: comparing the committed history with the database's.
import { describe, expect, it } from 'vitest';
import { compareHistories, type AppliedMigration, type LocalMigration } from '../../src/db/migrate.js';

const local = (name: string, checksum = `sum-${name}`): LocalMigration => ({ name, sql: '', checksum });
const applied = (name: string, extra: Partial<AppliedMigration> = {}): AppliedMigration => ({
  name,
  checksum: `sum-${name}`,
  finished: true,
  rolledBack: false,
  ...extra,
});

describe('compareHistories', () => {
  it('lists pending migrations of a database that is behind', () => {
    expect(compareHistories([local('1_a'), local('2_b')], [applied('1_a')])).toEqual({
      applied: ['1_a'],
      pending: ['2_b'],
      divergence: null,
    });
  });

  it('treats an empty database as having everything pending', () => {
    expect(compareHistories([local('1_a')], [])).toEqual({ applied: [], pending: ['1_a'], divergence: null });
  });

  it('refuses a database migrated by a build with migrations this one lacks', () => {
    expect(compareHistories([local('1_a')], [applied('1_a'), applied('2_z')]).divergence).toMatch(/2_z/);
  });

  it('refuses an applied migration whose file changed', () => {
    expect(compareHistories([local('1_a', 'other')], [applied('1_a')]).divergence).toMatch(
      /changed after it was applied/,
    );
  });

  it('refuses a failed migration', () => {
    expect(compareHistories([local('1_a')], [applied('1_a', { finished: false })]).divergence).toMatch(/failed/);
  });

  it('ignores rolled-back attempts', () => {
    expect(
      compareHistories([local('1_a')], [applied('1_a', { finished: false, rolledBack: true }), applied('1_a')])
        .divergence,
    ).toBeNull();
  });

  it('refuses a committed migration older than the last applied one that was never applied', () => {
    expect(
      compareHistories([local('1_a'), local('2_b'), local('3_c')], [applied('1_a'), applied('3_c')]).divergence,
    ).toMatch(/2_b/);
  });
});
