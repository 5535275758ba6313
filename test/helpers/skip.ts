// Conditional suites say why they are skipped: one line on the run's output
// ("skipped: <suite>: <reason>", shown as the file's stdout) besides the reason
// in the suite's name. Every conditional skip goes through here
// (test/helpers/skip.test.ts fails on a bare skipIf/runIf).
import { describe } from 'vitest';

/** A `describe` that runs only when `condition` holds, and otherwise prints why it did not. */
export function describeIf(condition: boolean, name: string, reasonIfSkipped: string, suite: () => void): void {
  if (!condition) console.log(`skipped: ${name}: ${reasonIfSkipped}`);
  describe.skipIf(!condition)(condition ? name : `${name} (skipped: ${reasonIfSkipped})`, suite);
}
