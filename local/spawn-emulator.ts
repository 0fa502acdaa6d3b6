import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** Exit code of a shell when the command it was to run is not found. */
const COMMAND_NOT_FOUND = 127;

/** An emulator process this one started, ended with it. */
export interface RunningEmulator {
  /** The emulator's process id. */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export interface EmulatorSpec {
  /** What people call it in messages ("moto_server", "DynamoDB Local"). */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** What to install when the command is missing. */
  readonly installHint: string;
  /** Resolves once the emulator serves; `output` is the tail of what it printed so far. */
  readonly ready: (output: () => string) => Promise<boolean>;
  readonly timeoutMs: number;
  /** How long SIGTERM has before SIGKILL (DynamoDB Local closes its SQLite files). */
  readonly stopGraceMs: number;
}

/**
 * Starts an emulator and resolves once `ready` says it serves; fails with the install hint when its command is
 * missing, and with its output when it exits early or does not get ready in time.
 *
 * It runs in a process group of its own. A Ctrl-C in the terminal signals the whole foreground process group,
 * and moto stops at once on SIGINT (it installs its own handler): the emulators must outlive the Ctrl-C while
 * `npm start` applies what is queued and the alerts reach the terminal; `npm start` then stops them itself, and
 * kills them if it exits any other way (a run killed with -9 leaves them to the next start, which ends them:
 * see data-dir-lock.ts).
 */
export async function startEmulator(spec: EmulatorSpec): Promise<RunningEmulator> {
  const child = spawn(spec.command, spec.args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  try {
    await Promise.race([exitedEarly(child, spec, () => output), poll(spec, () => output)]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  // Whatever way this process ends, the emulator it started ends with it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    pid: child.pid,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      await stop(child, spec.stopGraceMs);
    },
  };
}

function exitedEarly(child: ChildProcess, spec: EmulatorSpec, output: () => string): Promise<never> {
  return new Promise((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          error.code === 'ENOENT' ? spec.installHint : `${spec.name} could not start: ${error.message}`,
        ),
      );
    });
    child.once('exit', (code) =>
      reject(
        new Error(
          code === COMMAND_NOT_FOUND
            ? spec.installHint
            : `${spec.name} exited with code ${code}: ${output().trim()}`,
        ),
      ),
    );
  });
}

async function poll(spec: EmulatorSpec, output: () => string): Promise<void> {
  const deadline = Date.now() + spec.timeoutMs;
  while (Date.now() < deadline) {
    if (await spec.ready(output).catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${spec.name} did not start within ${spec.timeoutMs} ms:\n${output().trim()}`);
}

function stop(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A loopback port the OS says is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
