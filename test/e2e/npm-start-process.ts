import { type ChildProcess, execSync, spawn } from 'node:child_process';
import { fetchAllItems } from '../../local/read-client.ts';

/** `npm start` as a user runs it, in its own process group (as a terminal's foreground job). */
export interface NpmStart {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  waitFor(text: string | RegExp, timeoutMs: number): Promise<void>;
  /** Ctrl-C in a terminal: SIGINT to the whole foreground process group; resolves when npm start exited. */
  ctrlC(): Promise<void>;
  /** kill -9 of the whole group: nothing gets to clean up. */
  hardKill(): Promise<void>;
}

const started: ChildProcess[] = [];

/** Kills every npm start a test left running (its whole group). */
export function killLeftovers(): void {
  for (const child of started.splice(0)) {
    try {
      if (child.pid && child.exitCode === null) {
        // The emulators have process groups of their own.
        for (const emulator of descendants(child.pid)) process.kill(emulator.pid, 'SIGKILL');
        process.kill(-child.pid, 'SIGKILL');
      }
    } catch {
      // Already gone.
    }
  }
}

export async function startNpm(options: {
  readonly port: number;
  readonly dataDir: string;
  readonly env?: Record<string, string>;
  readonly args?: readonly string[];
}): Promise<NpmStart> {
  const child = spawn('npm', ['start', ...(options.args?.length ? ['--', ...options.args] : [])], {
    detached: true,
    env: {
      ...process.env,
      PORT: String(options.port),
      DATA_DIR: options.dataDir,
      AWS_ENDPOINT_URL: '',
      AWS_ENDPOINT_URL_DYNAMODB: '',
      AWS_ENDPOINT_URL_SQS: '',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const waitFor = async (text: string | RegExp, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (typeof text === 'string' ? output.includes(text) : text.test(output)) return;
      if (child.exitCode !== null) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`npm start never printed ${String(text)}:\n${output}`);
  };
  const instance: NpmStart = {
    child,
    url: `http://127.0.0.1:${options.port}`,
    output: () => output,
    waitFor,
    ctrlC: async () => {
      process.kill(-(child.pid as number), 'SIGINT');
      await exited;
    },
    hardKill: async () => {
      process.kill(-(child.pid as number), 'SIGKILL');
      await exited;
      // Every process of the group, not only its leader, is gone before the test goes on.
      while (processGroup(child.pid as number).length > 0)
        await new Promise((resolve) => setTimeout(resolve, 50));
    },
  };
  await waitFor('Ctrl-C stops everything', 120_000);
  return instance;
}

/** The processes of one process group (pgid = the group leader's pid), by command line. */
export function processGroup(pgid: number): string[] {
  return execSync('ps -eo pgid=,args=')
    .toString()
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith(`${pgid} `))
    .map((line) => line.slice(String(pgid).length + 1));
}

/**
 * Waits until npm start reports nothing queued (every accepted event applied), alerts stopped arriving, and (when
 * given) at least `alertsBefore` + the alerts in the table were printed: on a busy machine the last ones trail.
 */
export async function waitUntilApplied(
  npm: NpmStart,
  timeoutMs = 180_000,
  alertsBefore?: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  let printed = alertLines(npm.output()).length;
  while (Date.now() < deadline) {
    const health = (await fetch(`${npm.url}/health`)
      .then((r) => r.json())
      .catch(() => ({ queued: -1 }))) as { queued: number };
    const now = alertLines(npm.output()).length;
    const stored =
      alertsBefore === undefined
        ? 0
        : await fetchAllItems(npm.url, '/v1/alerts').then(
            (items) => items.length,
            () => Number.POSITIVE_INFINITY,
          );
    quiet = health.queued === 0 && now === printed && (alertsBefore ?? 0) + now >= stored ? quiet + 1 : 0;
    printed = now;
    if (quiet >= 6) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`npm start did not apply everything in time:\n${npm.output().slice(-3000)}`);
}

/** The alerts npm start printed (formatAlert's first line: time, mark, severity, kind). */
export function alertLines(output: string): string[] {
  return output.split('\n').filter((line) => /^\d\d:\d\d:\d\d \S+ (CRITICAL|WARNING|INFO)\s+\S/.test(line));
}

/** Every process descending from `pid` (children, their children...): pid and command line. */
export function descendants(pid: number): { pid: number; args: string }[] {
  const table = execSync('ps -eo pid=,ppid=,args=')
    .toString()
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/))
    .filter((match): match is RegExpMatchArray => match !== null)
    .map((match) => ({ pid: Number(match[1]), ppid: Number(match[2]), args: match[3] ?? '' }));
  const found: { pid: number; args: string }[] = [];
  const parents = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of table)
      if (parents.has(row.ppid) && !parents.has(row.pid)) {
        parents.add(row.pid);
        found.push({ pid: row.pid, args: row.args });
        grew = true;
      }
  }
  return found;
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
