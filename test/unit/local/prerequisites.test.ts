import { afterEach, describe, expect, it } from 'vitest';
import {
  assertLocalPrerequisites,
  JAVA_INSTALL_HINT,
  MissingPrerequisiteError,
  MOTO_INSTALL_HINT,
} from '../../../local/prerequisites.ts';

/* npm start, .ci/run and the test setup stop at once, saying what to install, when an emulator's runtime is missing. */

const saved = { JAVA: process.env.JAVA, MOTO_SERVER: process.env.MOTO_SERVER };
afterEach(() => {
  for (const [name, value] of Object.entries(saved))
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
});

describe('local prerequisites', () => {
  it('names a missing java and how to install it', () => {
    process.env.JAVA = '/nonexistent/java';
    expect(() => assertLocalPrerequisites()).toThrow(MissingPrerequisiteError);
    expect(() => assertLocalPrerequisites()).toThrow(JAVA_INSTALL_HINT);
  });

  it('names a missing moto_server and how to install it', () => {
    process.env.MOTO_SERVER = '/nonexistent/moto_server';
    expect(() => assertLocalPrerequisites()).toThrow(MOTO_INSTALL_HINT);
  });

  it('passes on a machine that has both', () => {
    expect(() => assertLocalPrerequisites()).not.toThrow();
  });
});
