// Limits from the environment: defaults, loopback-dependent defaults, overrides, bad values.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { DEFAULT_LIMITS, MIB } from '../../src/limits-config.js';
import { isLoopbackHost } from '../../src/net.js';

describe('limits configuration', () => {
  it('has the documented defaults', () => {
    const { limits } = loadConfig({});
    expect(limits).toEqual(DEFAULT_LIMITS);
    expect(limits).toMatchObject({
      maxBodyBytes: 1 * MIB,
      maxImportBodyBytes: 32 * MIB,
      maxTokens: 5000,
      maxDepth: 10,
      maxAliases: 15,
      maxComplexity: 50_000,
      maxSolveTimeLimitSeconds: 600,
      maxModelVariables: 2_000_000,
      introspection: true,
      graphiql: true,
      corsOrigins: [],
    });
  });

  it('turns introspection and GraphiQL off by default off loopback, and lets the environment decide', () => {
    expect(loadConfig({ HOST: '0.0.0.0' }).limits).toMatchObject({ introspection: false, graphiql: false });
    expect(loadConfig({ HOST: '::' }).limits).toMatchObject({ introspection: false, graphiql: false });
    expect(
      loadConfig({ HOST: '0.0.0.0', TOKENGRID_INTROSPECTION: 'true', TOKENGRID_GRAPHIQL: 'on' }).limits,
    ).toMatchObject({
      introspection: true,
      graphiql: true,
    });
    expect(loadConfig({ HOST: '127.0.0.1', TOKENGRID_INTROSPECTION: 'false' }).limits.introspection).toBe(false);
  });

  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', 'example.com', '128.0.0.1'])
      expect(isLoopbackHost(host), host).toBe(false);
  });

  it('reads every limit from its variable', () => {
    const { limits } = loadConfig({
      TOKENGRID_MAX_BODY_BYTES: '2048',
      TOKENGRID_MAX_IMPORT_BODY_BYTES: '4096',
      TOKENGRID_MAX_TOKENS: '100',
      TOKENGRID_MAX_DEPTH: '4',
      TOKENGRID_MAX_ALIASES: '0',
      TOKENGRID_MAX_COMPLEXITY: '500',
      TOKENGRID_MAX_SOLVE_TIME_LIMIT_SECONDS: '30',
      TOKENGRID_MAX_MODEL_VARIABLES: '1000',
      TOKENGRID_CORS_ORIGINS: 'https://planner.example.com, http://localhost:5173',
      TOKENGRID_PLAN_REQUESTS_PER_MINUTE: '2',
      TOKENGRID_PLAN_REQUEST_BURST: '1',
      TOKENGRID_IMPORTS_PER_MINUTE: '0',
      TOKENGRID_IMPORT_BURST: '4',
    });
    expect(limits).toMatchObject({
      maxBodyBytes: 2048,
      maxImportBodyBytes: 4096,
      maxTokens: 100,
      maxDepth: 4,
      maxAliases: 0,
      maxComplexity: 500,
      maxSolveTimeLimitSeconds: 30,
      maxModelVariables: 1000,
      corsOrigins: ['https://planner.example.com', 'http://localhost:5173'],
      planRequestRate: { perMinute: 2, burst: 1 },
      importRate: { perMinute: 0, burst: 4 },
    });
  });

  it('refuses a bad value, naming the variable', () => {
    expect(() => loadConfig({ TOKENGRID_MAX_DEPTH: '0' })).toThrow(/TOKENGRID_MAX_DEPTH/);
    expect(() => loadConfig({ TOKENGRID_MAX_BODY_BYTES: 'lots' })).toThrow(ConfigError);
    expect(() => loadConfig({ TOKENGRID_CORS_ORIGINS: 'https://ok.example/path' })).toThrow(/TOKENGRID_CORS_ORIGINS/);
    expect(() => loadConfig({ TOKENGRID_INTROSPECTION: 'maybe' })).toThrow(/TOKENGRID_INTROSPECTION/);
  });
});
