import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (main) and ESM (module); Node loads the CJS one for
    // our dependencies, so source files must get the same instance.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // vitest's default on 2 cores is one file at a time; many files here wait on
    // child processes (the CLI, servers, Chromium), so two at once use the machine
    maxWorkers: 2,
    // test files in one worker share its module cache: each file no longer re-imports the
    // schema, Prisma and yoga (about 3 s of CPU a file). No file relies on fresh module state
    // (templates, servers and data directories are per file). Measured: 518 s -> 397 s.
    isolate: false,
    env: { NODE_ENV: 'test' },
  },
});
