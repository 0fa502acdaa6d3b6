import { type ChildProcess, execSync, spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/moto-server.ts';
import { postWebhook } from '../../local/webhook-client.ts';
import { change, webhookBody } from '../support/webhook-builders.ts';

/* `npm start` as a user runs it, in its own process group: it serves, prints alerts, and Ctrl-C stops it all. */

let child: ChildProcess | undefined;
afterAll(() => {
  try {
    if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
});

/** The processes of one process group (pgid = the group leader's pid), by command line. */
function processGroup(pgid: number): string[] {
  return execSync('ps -eo pgid=,args=')
    .toString()
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith(`${pgid} `))
    .map((line) => line.slice(String(pgid).length + 1));
}

describe('npm start', () => {
  it('serves the pipeline, prints alerts, and leaves nothing running after Ctrl-C', async () => {
    const port = await freePort();
    child = spawn('npm', ['start'], {
      detached: true,
      env: { ...process.env, PORT: String(port), WEBHOOK_APP_SECRET: 'start-secret', AWS_ENDPOINT_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const waitFor = async (text: string | RegExp, timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (typeof text === 'string' ? output.includes(text) : text.test(output)) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(`npm start never printed ${String(text)}:\n${output}`);
    };

    await waitFor('Ctrl-C stops everything', 60_000);
    expect(output).toContain(`http://127.0.0.1:${port}/webhook`);
    expect(output).toContain('gone when this stops');
    // The console, built by npm start itself (prestart), at / with its local config.
    expect(output).toContain(`console      http://127.0.0.1:${port}/`);
    const consolePage = await fetch(`http://127.0.0.1:${port}/`);
    expect(consolePage.headers.get('content-type')).toContain('text/html');
    expect(await consolePage.text()).toMatch(/<script type="module" src="\.\/assets\/main-\w+\.js">/);
    expect(await (await fetch(`http://127.0.0.1:${port}/config.json`)).json()).toEqual({
      apiBaseUrl: '',
      auth: { type: 'none' },
    });
    const group = child.pid as number;
    expect(processGroup(group).filter((args) => args.includes('moto_server'))).toHaveLength(1);

    const body = webhookBody(change.phoneQuality(Math.floor(Date.now() / 1000), 'FLAGGED'));
    expect((await postWebhook(`http://127.0.0.1:${port}`, body, 'start-secret')).status).toBe(200);
    await waitFor(/CRITICAL\s+phone-flagged/, 30_000);

    // Ctrl-C in a terminal signals the whole foreground process group.
    const exited = new Promise<void>((resolve) => child?.once('exit', () => resolve()));
    process.kill(-(child.pid as number), 'SIGINT');
    await exited;
    await waitFor('Stopped. Nothing is left running.', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(processGroup(group)).toEqual([]);
    expect(
      await fetch(`http://127.0.0.1:${port}/health`).then(
        () => 'up',
        () => 'down',
      ),
    ).toBe('down');
  });
});
