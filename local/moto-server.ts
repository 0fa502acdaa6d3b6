import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { MOTO_INSTALL_HINT, motoCommand } from './prerequisites.ts';
import { COMMAND_NOT_FOUND, spawnEmulator } from './spawn-emulator.ts';

export { MOTO_INSTALL_HINT };

/** A running local AWS emulator (moto server) on loopback. */
export interface MotoServer {
  readonly endpoint: string;
  /** The emulator's process id. */
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

/** Starts `moto_server` on 127.0.0.1 and a free port, and resolves once it answers. */
export async function startMotoServer(
  options: { readonly port?: number; readonly timeoutMs?: number } = {},
): Promise<MotoServer> {
  const port = options.port ?? (await freePort());
  const command = motoCommand();
  const child = spawnEmulator(command, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([exitedEarly(child, () => stderr), ready(endpoint, options.timeoutMs ?? 30_000)]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  // Whatever way this process ends, the emulator it started ends with it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    pid: child.pid,
    endpoint,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      await stop(child);
    },
  };
}

function exitedEarly(child: ChildProcess, stderr: () => string): Promise<never> {
  return new Promise((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new Error(
          error.code === 'ENOENT' ? MOTO_INSTALL_HINT : `moto_server could not start: ${error.message}`,
        ),
      );
    });
    child.once('exit', (code) =>
      reject(
        new Error(
          code === COMMAND_NOT_FOUND
            ? MOTO_INSTALL_HINT
            : `moto_server exited with code ${code}: ${stderr().trim()}`,
        ),
      ),
    );
  });
}

async function ready(endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A port the OS says is free right now. */
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
