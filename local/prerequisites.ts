import { spawnSync } from 'node:child_process';

/** A program the local runtime, the tests or the benchmarks need is missing: what to install, and how. */
export class MissingPrerequisiteError extends Error {
  override readonly name = 'MissingPrerequisiteError';
}

export const JAVA_INSTALL_HINT =
  'java was not found on PATH. DynamoDB Local (the local DynamoDB) needs a Java 17+ JDK: on Debian/Ubuntu ' +
  '`sudo apt-get install openjdk-17-jdk-headless`, on macOS `brew install openjdk@17`, or set JAVA to its path.';

export const MOTO_INSTALL_HINT =
  "moto_server was not found on PATH. Install it with: pip install 'moto[server]==5.2.1' (Python 3.9+), " +
  'or set MOTO_SERVER to its path.';

export const javaCommand = () => process.env.JAVA ?? 'java';
export const motoCommand = () => process.env.MOTO_SERVER ?? 'moto_server';

/**
 * Fails at once, with how to install them, when `java` (for DynamoDB Local) or `moto_server` (SQS, SNS, Secrets
 * Manager) is missing, rather than after a long start-up or with a bare ENOENT.
 */
export function assertLocalPrerequisites(): void {
  const missing: string[] = [];
  // `-version` also fails on a JRE-only macOS stub `java` that merely asks to install a JDK.
  if (!runs(javaCommand(), ['-version'])) missing.push(JAVA_INSTALL_HINT);
  if (!runs(motoCommand(), ['--help'])) missing.push(MOTO_INSTALL_HINT);
  if (missing.length > 0) throw new MissingPrerequisiteError(missing.join('\n'));
}

function runs(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore', timeout: 30_000 });
  return result.error === undefined && result.status === 0;
}
