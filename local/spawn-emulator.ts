import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

/** Exit code of a shell when the command it was to run is not found. */
export const COMMAND_NOT_FOUND = 127;

/**
 * Starts an emulator in a process group of its own. A Ctrl-C in the terminal signals the whole foreground
 * process group, and moto stops at once on SIGINT (it installs its own handler): the emulators must outlive
 * the Ctrl-C while `npm start` applies what is queued and the alerts reach the terminal; `npm start` then stops
 * them itself, and kills them if it exits any other way (a run killed with -9 leaves them to the next start,
 * which ends them: see data-dir-lock.ts).
 */
export function spawnEmulator(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  return spawn(command, args, { ...options, detached: true });
}
