// The database timeouts, the solve heartbeat and the worker's poll from the environment: defaults,
// and a bad value refused naming the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { poolOptions } from '../src/db/database.js';

describe('database timeouts and the solve heartbeat', () => {
  it('defaults: 5 s to connect, 30 s a statement (its answer 2 s later), a heartbeat every 10 s, lost after 45 s', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://db.example/tokengrid' });
    expect(config.database).toEqual({
      kind: 'postgres',
      url: 'postgres://db.example/tokengrid',
      connectTimeoutMs: 5_000,
      statementTimeoutMs: 30_000,
    });
    expect(config).toMatchObject({ solveHeartbeatSeconds: 10, solveLostSeconds: 45, workerPollSeconds: 2 });
    if (config.database.kind !== 'postgres') throw new Error('postgres expected');
    expect(poolOptions(config.database)).toMatchObject({
      connectionTimeoutMillis: 5_000,
      statement_timeout: 30_000,
      query_timeout: 32_000,
    });
  });

  it('takes them from the environment and refuses bad values, naming the variable', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://db.example/tokengrid',
      TOKENGRID_DB_CONNECT_TIMEOUT_MS: '800',
      TOKENGRID_DB_STATEMENT_TIMEOUT_MS: '2500',
      TOKENGRID_SOLVE_HEARTBEAT_SECONDS: '1',
      TOKENGRID_SOLVE_LOST_SECONDS: '3',
      TOKENGRID_WORKER_POLL_SECONDS: '0.5',
    });
    expect(config.database).toMatchObject({ connectTimeoutMs: 800, statementTimeoutMs: 2_500 });
    expect(config).toMatchObject({ solveHeartbeatSeconds: 1, solveLostSeconds: 3, workerPollSeconds: 0.5 });
    // pg-boss 10 refuses to poll more often than every 0.5 s
    expect(() => loadConfig({ TOKENGRID_WORKER_POLL_SECONDS: '0.1' })).toThrow(/TOKENGRID_WORKER_POLL_SECONDS/);
    expect(() => loadConfig({ TOKENGRID_DB_CONNECT_TIMEOUT_MS: '0' })).toThrow(/TOKENGRID_DB_CONNECT_TIMEOUT_MS/);
    expect(() => loadConfig({ TOKENGRID_DB_STATEMENT_TIMEOUT_MS: 'soon' })).toThrow(ConfigError);
    expect(() => loadConfig({ TOKENGRID_SOLVE_HEARTBEAT_SECONDS: '10', TOKENGRID_SOLVE_LOST_SECONDS: '15' })).toThrow(
      /TOKENGRID_SOLVE_LOST_SECONDS: must be at least twice TOKENGRID_SOLVE_HEARTBEAT_SECONDS/,
    );
  });
});
