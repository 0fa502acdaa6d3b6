import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const LOCK_FILE = 'npm-start.lock.json';

interface Lock {
  readonly pid: number;
  /** The emulators this run started (DynamoDB Local, moto), to end them if this run is killed hard. */
  readonly children: readonly number[];
}

/** Another `npm start` (still alive) is using the data directory. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
}

/**
 * Throws when a live `npm start` holds `dataDir`. A lock left by a run that was killed hard (kill -9 leaves its
 * emulators running) ends those emulators, so that only one DynamoDB Local ever opens the directory.
 */
export function assertDataDirFree(dataDir: string): void {
  const lock = readLock(dataDir);
  if (!lock || lock.pid === process.pid) return;
  if (isAlive(lock.pid))
    throw new DataDirInUseError(
      `another npm start (pid ${lock.pid}) is using ${dataDir}: stop it first, or set DATA_DIR to another directory`,
    );
  for (const child of lock.children) if (isOurEmulator(child)) process.kill(child, 'SIGKILL');
}

/** Claims `dataDir` for this process; `addChild` records an emulator it started; the result releases it. */
export function lockDataDir(dataDir: string): { addChild(pid: number | undefined): void; release(): void } {
  assertDataDirFree(dataDir);
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const children: number[] = [];
  const write = () => writeFileSync(path, JSON.stringify({ pid: process.pid, children } satisfies Lock));
  write();
  return {
    addChild: (pid) => {
      if (pid === undefined) return;
      children.push(pid);
      write();
    },
    release: () => rmSync(path, { force: true }),
  };
}

function readLock(dataDir: string): Lock | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as Lock;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A process killed a moment ago can linger as a zombie until it is reaped: it holds nothing any more.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** Only a process that is still one of our emulators (pids are reused); Linux tells by /proc. */
function isOurEmulator(pid: number): boolean {
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return command.includes('LoopbackDynamoDBLocal') || command.includes('moto_server');
  } catch {
    return false;
  }
}
