// `tokengrid keys create|list|revoke`: API keys, straight on the database (the
// way to make the first admin key before a network-bound server will start).
import { Command, InvalidArgumentError, Option } from 'commander';
import { ROLES, type Role } from '../auth/api-keys.js';
import { roleOf } from '../auth/authenticate.js';
import { createApiKey, keyStatus, listApiKeys, revokeApiKey } from '../auth/key-store.js';
import type { Database } from '../db/database.js';
import { CommandFailure, onAction, runCommand, UsageError, type Output } from './command.js';

export interface KeysCommandDeps {
  withDatabase: <T>(run: (db: Database) => Promise<T>) => Promise<T>;
  out?: (text: string) => void;
  err?: (text: string) => void;
}

const day = (date: Date | null) => (date ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');

interface CreateFlags {
  role: string;
  name: string;
  expiresInDays?: string;
}

/** The `keys` command group. */
export function keysProgram(deps: KeysCommandDeps): Command {
  const keys = new Command('keys').description('API keys and their roles');
  onAction<CreateFlags>(
    keys
      .command('create')
      .description('create a key and print it once: store it now, it cannot be shown again')
      .addOption(
        new Option(`--role <${ROLES.join('|')}>`, 'what the key may do')
          .argParser((value: string) => {
            const role = value.toLowerCase();
            if (!(ROLES as readonly string[]).includes(role))
              throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}`);
            return role;
          })
          .makeOptionMandatory(),
      )
      .requiredOption('--name <name>', "the key's name (unique)")
      .option('--expires-in-days <days>', 'the key stops working after this many days (default: never)'),
    async (_args, flags, io) => {
      const days = flags.expiresInDays;
      const expiresInDays = days === undefined ? null : Number(days);
      if (expiresInDays !== null && (days!.trim() === '' || !Number.isInteger(expiresInDays))) {
        throw new UsageError('--expires-in-days must be a whole number of days');
      }
      return deps.withDatabase(async (db) => {
        const outcome = await createApiKey(db, { name: flags.name, role: flags.role as Role, expiresInDays });
        if (!outcome.ok) {
          if (outcome.kind === 'conflict') throw new CommandFailure(outcome.message);
          for (const issue of outcome.issues) io.err(`tokengrid keys: ${issue.path}: ${issue.message}\n`);
          return 2;
        }
        io.err(
          `created ${roleOf(outcome.row.role)} key "${outcome.row.name}" (id ${outcome.row.keyId}${outcome.row.expiresAt ? `, expires ${day(outcome.row.expiresAt)}` : ''}); it is shown this once:\n`,
        );
        io.out(`${outcome.key}\n`);
        return 0;
      });
    },
  );
  onAction<{ json?: boolean }>(
    keys
      .command('list')
      .description('name, role, id, created, expires, status, last used (never the key or its hash)')
      .option('--json', 'print them as JSON'),
    (_args, flags, io) =>
      deps.withDatabase(async (db) => {
        const now = new Date();
        const rows = (await listApiKeys(db)).map((key) => ({
          name: key.name,
          role: roleOf(key.role),
          keyId: key.keyId,
          createdAt: day(key.createdAt),
          expiresAt: day(key.expiresAt),
          status: keyStatus(key, now),
          revokedAt: day(key.revokedAt),
          lastUsedAt: day(key.lastUsedAt),
        }));
        if (rows.length === 0)
          io.err('no API keys (create one with `tokengrid keys create --role admin --name <name>`)\n');
        if (flags.json) {
          io.out(JSON.stringify(rows, null, 2) + '\n');
          return 0;
        }
        if (rows.length === 0) return 0;
        const header = ['NAME', 'ROLE', 'ID', 'CREATED', 'EXPIRES', 'STATUS', 'LAST USED'];
        const table = [
          header,
          ...rows.map((r) => [r.name, r.role, r.keyId, r.createdAt, r.expiresAt, r.status, r.lastUsedAt]),
        ];
        const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
        io.out(
          table
            .map((row) =>
              row
                .map((cell, i) => cell.padEnd(widths[i]!))
                .join('  ')
                .trimEnd(),
            )
            .join('\n') + '\n',
        );
        return 0;
      }),
  );
  onAction(
    keys.command('revoke').description('the key stops working at once').argument('<name>', "the key's name"),
    ([name], _flags, io) =>
      deps.withDatabase(async (db) => {
        const revoked = await revokeApiKey(db, name!);
        if (!revoked) throw new CommandFailure(`no API key named "${name}"`);
        io.out(`revoked "${revoked.name}" (id ${revoked.keyId}) at ${day(revoked.revokedAt)}\n`);
        return 0;
      }),
  );
  return keys;
}

/** Runs `tokengrid keys` with `argv` (the arguments after `keys`); answers the exit code. */
export function keysCommand(argv: string[], deps: KeysCommandDeps): Promise<number> {
  const io: Output = {
    out: deps.out ?? ((text) => void process.stdout.write(text)),
    err: deps.err ?? ((text) => void process.stderr.write(text)),
  };
  return runCommand(keysProgram(deps), argv, io);
}
