// tsc writes files without the executable bit: make the `tokengrid` bin
// (package.json "bin") runnable, so `npx tokengrid …` works after `npm ci`.
import { chmod, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
for (const bin of Object.values(typeof pkg.bin === 'string' ? { [pkg.name]: pkg.bin } : pkg.bin)) {
  const path = join(root, bin);
  const text = await readFile(path, 'utf8');
  if (!text.startsWith('#!/usr/bin/env node\n')) throw new Error(`${bin} must start with "#!/usr/bin/env node"`);
  await chmod(path, 0o755);
}
