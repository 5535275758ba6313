// Every conditional skip prints its reason (test/helpers/skip.ts), as the README promises.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { describeIf } from './skip.js';

const TEST_DIR = join(import.meta.dirname, '..');

// suites are declared when the file is collected: a skipped one and a running one, here
const log = vi.spyOn(console, 'log');
let ran = false;
describeIf(false, 'a demonstration suite that needs a thing', 'the thing is not installed', () => {
  it('never runs', () => expect.unreachable());
});
describeIf(true, 'a suite that runs', 'never said', () => {
  it('runs', () => {
    ran = true;
  });
});
const printed = log.mock.calls.map((args) => args.join(' '));
log.mockRestore();

it('prints one line with the reason when the suite is skipped, and nothing when it runs', () => {
  expect(printed).toEqual(['skipped: a demonstration suite that needs a thing: the thing is not installed']);
  expect(ran).toBe(true);
});

it('no test file skips a suite or test conditionally without going through describeIf', async () => {
  const files = (await readdir(TEST_DIR, { recursive: true })).filter(
    (name) => name.endsWith('.ts') && name !== join('helpers', 'skip.ts'),
  );
  const bare: string[] = [];
  for (const file of files) {
    const text = await readFile(join(TEST_DIR, file), 'utf8');
    if (/\b(describe|it|test|suite)\.(skipIf|runIf)\s*\(|\bctx\.skip\s*\(|\bcontext\.skip\s*\(/.test(text))
      bare.push(file);
  }
  expect(bare).toEqual([]);
});
