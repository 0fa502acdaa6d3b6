import { MOTO_INSTALL_HINT, motoCommand } from './prerequisites.ts';
import { freePort, type RunningEmulator, startEmulator } from './spawn-emulator.ts';

/** A running local AWS emulator (moto server) on loopback. */
export interface MotoServer extends RunningEmulator {
  readonly endpoint: string;
}

/** Starts `moto_server` on 127.0.0.1 and a free port, and resolves once it answers. */
export async function startMotoServer(
  options: { readonly port?: number; readonly timeoutMs?: number } = {},
): Promise<MotoServer> {
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const emulator = await startEmulator({
    name: 'moto_server',
    command: motoCommand(),
    args: ['-H', '127.0.0.1', '-p', String(port)],
    installHint: MOTO_INSTALL_HINT,
    ready: async () => (await fetch(`${endpoint}/moto-api/data.json`)).ok,
    timeoutMs: options.timeoutMs ?? 30_000,
    stopGraceMs: 5_000,
  });
  return { ...emulator, endpoint };
}
