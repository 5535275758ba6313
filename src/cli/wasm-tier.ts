// Which WebAssembly compiler a command runs with. A short command (list, show,
// import, export, keys, schedules, migrate) lives for a second or two, and V8's
// optimizing compiler (TurboFan) would spend more CPU compiling PGlite's
// Postgres in the background than the command itself uses: with the baseline
// compiler (Liftoff) alone, `tokengrid plans list` measured 2.6 s -> 1.95 s wall
// and 3.7 -> 2.3 CPU-seconds on 2 cores. `serve` and `worker` run for hours and
// `plan` solves (HiGHS is WebAssembly too, and a large LP needs the optimized
// code), so they keep both tiers.
import { setFlagsFromString } from 'node:v8';
import type { Command } from 'commander';

const OPTIMIZED_WASM_COMMANDS = new Set(['serve', 'worker', 'plan']);

/** The top-level command an action belongs to (`plans` for `plans list`). */
function topLevelName(command: Command): string {
  let current = command;
  while (current.parent?.parent) current = current.parent;
  return current.name();
}

/**
 * Before a short command's action runs (so before any WebAssembly is compiled),
 * V8 is told to use its baseline compiler only. Flags set at run time apply to
 * modules compiled after the call, which is all of them here.
 */
export function baselineWasmForShortCommands(program: Command): Command {
  return program.hook('preAction', (_root, action) => {
    if (!OPTIMIZED_WASM_COMMANDS.has(topLevelName(action))) setFlagsFromString('--liftoff-only');
  });
}
