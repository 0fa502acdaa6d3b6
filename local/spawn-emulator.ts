import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

/** Exit code of `sh` when the command it was to exec is not found. */
export const COMMAND_NOT_FOUND = 127;

/**
 * Starts an emulator that ignores SIGINT. A Ctrl-C in the terminal signals the whole foreground process group;
 * the emulators must outlive it while `npm start` applies what is queued, then they are stopped with SIGTERM.
 * A signal ignored when a program starts stays ignored through exec, and both the JVM and Python leave it so.
 */
export function spawnEmulator(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  return spawn('/bin/sh', ['-c', 'trap "" INT; exec "$0" "$@"', command, ...args], options);
}
