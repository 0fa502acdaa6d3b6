import { afterAll, beforeAll } from 'vitest';
import { type E2e, type E2eOptions, startE2e } from './e2e-support.ts';

/**
 * The set-up every e2e file shares: one local pipeline (and Graph API stand-in, when asked) for the file, started
 * before its tests and stopped after them. The handle reads the running one; use it inside tests and hooks.
 */
export function useE2e(options: E2eOptions = {}): E2e {
  let running: E2e | undefined;
  beforeAll(async () => {
    running = await startE2e(options);
  });
  afterAll(async () => {
    await running?.stop();
  });
  const current = (): E2e => {
    if (!running) throw new Error('the e2e pipeline runs only inside the tests and hooks of its file');
    return running;
  };
  return {
    get pipeline() {
      return current().pipeline;
    },
    get graph() {
      return current().graph;
    },
    post: (body, options) => current().post(body, options),
    stop: () => current().stop(),
  };
}
