import type { FunctionEnvironment } from '../../shared/contracts/env-vars.ts';

/**
 * Sets what the stack would set on a function before a test imports its handler, by contract name only (a
 * misspelt variable is a compile error, not a handler that silently reads nothing). Returns the undo.
 */
export function setFunctionEnv(env: FunctionEnvironment): () => void {
  const before = Object.keys(env).map((name) => [name, process.env[name]] as const);
  Object.assign(process.env, env);
  return () => {
    for (const [name, value] of before) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
