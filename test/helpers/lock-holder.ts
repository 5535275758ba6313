// A process that takes a data directory's lock (src/db/lock.ts), says whether it got
// it, holds it for a while and exits: tests race several of these.
// Usage: node --import tsx test/helpers/lock-holder.ts <dataDir> <holdMs>
import { acquireDataDirLock, DatabaseLockedError } from '../../src/db/lock.js';

const [dataDir, holdMs = '0'] = process.argv.slice(2);
try {
  const lock = acquireDataDirLock(dataDir!, 'lock-holder');
  console.log('acquired');
  setTimeout(() => {
    lock.release();
    process.exit(0);
  }, Number(holdMs));
} catch (error) {
  if (!(error instanceof DatabaseLockedError)) throw error;
  console.log(`refused: ${error.message}`);
  process.exit(3);
}
