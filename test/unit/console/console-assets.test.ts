import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isConsoleRequest, serveConsole } from '../../../local/console-assets.ts';
import { apiGatewayEvent } from '../../support/api-gateway-events.ts';

let root: string;
beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'console-assets-'));
  root = join(dir, 'console');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(root, 'assets', 'main-ABC.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'main-ABC.css'), 'body{}');
  writeFileSync(join(dir, 'secret.txt'), 'not for you');
});

const get = (path: string) => serveConsole(apiGatewayEvent({ method: 'GET', path }), root);

describe('the console on npm start', () => {
  it('serves index.html at / and the assets with their content types', () => {
    expect(get('/')).toMatchObject({ statusCode: 200, body: expect.stringContaining('<title>console') });
    expect(get('/').headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect(get('/assets/main-ABC.js').headers?.['content-type']).toBe('text/javascript; charset=utf-8');
    expect(get('/assets/main-ABC.css').headers?.['content-type']).toBe('text/css; charset=utf-8');
    expect(get('/assets/main-ABC.js').headers?.['cache-control']).toContain('immutable');
  });

  it('says on /config.json that the API is on this origin and nobody signs in', () => {
    const response = get('/config.json');
    expect(JSON.parse(String(response.body))).toEqual({ apiBaseUrl: '', auth: { type: 'none' } });
  });

  it.each([
    '/assets/../../secret.txt',
    '/assets/..%2F..%2Fsecret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/assets/nope.js',
  ])('never serves anything outside the console folder: %s → 404', (path) => {
    const response = get(path);
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain('not for you');
  });

  it('routes only the console paths to the console', () => {
    const is = (method: string, path: string) => isConsoleRequest(apiGatewayEvent({ method, path }));
    expect(is('GET', '/')).toBe(true);
    expect(is('GET', '/assets/x.js')).toBe(true);
    expect(is('GET', '/config.json')).toBe(true);
    expect(is('POST', '/')).toBe(false);
    expect(is('GET', '/webhook')).toBe(false);
    expect(is('GET', '/v1/templates')).toBe(false);
  });
});
