// The web view's build for the browser suites, and where their screenshots go.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');
const WEB_SOURCES = join(ROOT, 'web');
const WEB_BUILD = join(ROOT, 'dist/web/index.html');
export const SCREENSHOTS = join(ROOT, 'test-output/web');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/web when it is missing or older than web/ (a few seconds). */
export function ensureWebBuild(): void {
  if (existsSync(WEB_BUILD) && statSync(WEB_BUILD).mtimeMs >= newestMtime(WEB_SOURCES)) return;
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(WEB_SOURCES, 'vite.config.ts')],
    { cwd: ROOT, stdio: 'pipe' },
  );
}
