// The web app's files at `/` (src/server/static.ts), in process: content types,
// caching, nothing outside the build directory, and a hint when it is not built.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { createApp } from '../../src/server/app.js';
import { openTestDatabase } from '../helpers/database.js';

let db: Database;
let dir: string;

beforeAll(async () => {
  db = await openTestDatabase({ fixtures: false });
  dir = await mkdtemp(join(tmpdir(), 'tokengrid-web-static-'));
  await mkdir(join(dir, 'web', 'assets'), { recursive: true });
  await writeFile(join(dir, 'web', 'index.html'), '<!doctype html><title>tokengrid</title>');
  await writeFile(join(dir, 'web', 'assets', 'index-abc123.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.txt'), 'not for the web');
});
afterAll(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the web app at /', () => {
  it('serves the page uncached and hashed assets immutable, with their content types', async () => {
    const app = createApp({ db, webDir: join(dir, 'web') });
    const page = await app.fetch('http://localhost/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain('<title>tokengrid</title>');
    const asset = await app.fetch('http://localhost/assets/index-abc123.js');
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await app.fetch('http://localhost/assets/missing.js')).status).toBe(404);
    expect((await app.fetch('http://localhost/health')).status).toBe(200);
  });

  it('serves nothing outside its directory', async () => {
    const app = createApp({ db, webDir: join(dir, 'web') });
    for (const path of ['/assets/../../secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/assets/%E0%A4%A']) {
      const response = await app.fetch(`http://localhost${path}`);
      expect(await response.text()).not.toContain('not for the web');
    }
  });

  it('says to build it when it is not built, and is absent unless given a directory', async () => {
    const unbuilt = await createApp({ db, webDir: join(dir, 'nothing') }).fetch('http://localhost/');
    expect(unbuilt.status).toBe(503);
    expect(await unbuilt.text()).toMatch(/npm run build/);
    expect((await createApp({ db }).fetch('http://localhost/')).status).toBe(404);
  });
});
