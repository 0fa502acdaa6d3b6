import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_WABA, demoWebhookBodies } from '../../local/demo-steps.ts';
import type { LocalPipeline } from '../../local/pipeline.ts';
import { waitUntilApplied } from '../../local/webhook-client.ts';
import { buildConsole } from '../../scripts/build-console.ts';
import { type E2e, startE2e, waitUntilQuiet } from '../e2e/e2e-support.ts';
import { collectErrors, type LaunchedBrowser, launchChromium, screenshot } from './browser-support.ts';

/**
 * The console as an operator uses it: in Chromium, against the local pipeline after the demo's webhooks. Nothing
 * here measures time: waits are for what the page shows, with generous limits for a shared, busy machine.
 */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const CART_REMINDER = `${DEMO_WABA}:1304694804498707`;
const SHOWN = { timeout: 30_000 };
/** Pixels the page is wider than the window: above 0, a phone user has to scroll sideways. */
const HORIZONTAL_OVERFLOW = 'document.documentElement.scrollWidth - window.innerWidth';

let e2e: E2e;
let pipeline: LocalPipeline;
let launched: LaunchedBrowser;
let browser: Browser;
const errors: string[] = [];

interface PageOptions {
  readonly colorScheme?: 'light' | 'dark';
  readonly width?: number;
  /** Only for the accessibility scan: axe-core is injected as a script, which the console's CSP forbids. */
  readonly bypassCSP?: boolean;
}

async function openPage(hash: string, options: PageOptions = {}) {
  const page = await browser.newPage({
    viewport: { width: options.width ?? 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
    bypassCSP: options.bypassCSP ?? false,
  });
  const pageErrors = collectErrors(page);
  page.on('close', () => errors.push(...pageErrors));
  await page.goto(`${pipeline.url}/#/${hash}`);
  return page;
}

const rows = (page: Page) => page.locator('main table tbody tr');

async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = (await page.evaluate('axe.run()')) as { violations: unknown[] };
  return (result.violations as { id: string; impact: string; nodes: { target: string[] }[] }[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

beforeAll(async () => {
  await buildConsole();
  e2e = await startE2e();
  pipeline = e2e.pipeline;
  for (const step of demoWebhookBodies()) {
    expect((await e2e.post(step.body)).status).toBe(200);
    await waitUntilApplied(pipeline.url);
  }
  await waitUntilQuiet(pipeline);
  launched = await launchChromium();
  browser = launched.browser;
});

afterAll(async () => {
  await launched?.close();
  await e2e?.stop();
});

describe('the web console in Chromium', () => {
  it('lands on what the demo put at risk, most severe first, each linked to its entity', async () => {
    const page = await openPage('');
    const items = page.locator('.attention-item');
    await items.first().waitFor(SHOWN);
    const text = (await page.locator('.attention').textContent()) ?? '';
    expect(text).toContain('spring_sale (en_US)');
    expect(text).toContain('quality RED');
    expect(text).toMatch(/resumes in \d/);
    expect(text).toContain('15550783882');
    expect(text).toContain('messaging limit lowered to TIER_2K');
    // cart_reminder recovered in the demo: it no longer needs attention.
    expect(text).not.toContain('cart_reminder');
    await screenshot(page, 'needs-attention');
    await page.getByRole('link', { name: 'spring_sale (en_US)' }).click();
    await page.getByRole('heading', { name: 'spring_sale (en_US)' }).waitFor(SHOWN);
    await page.close();
  });

  it('shows a template turned RED by a signed delivery without a reload', async () => {
    const page = await openPage('');
    await page.locator('.attention-item').first().waitFor(SHOWN);
    // Gone if the page reloads: the change must arrive by the page's own refresh.
    await page.evaluate('window.notReloaded = true');
    const delivery = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: DEMO_WABA,
          time: Math.floor(Date.now() / 1000),
          changes: [
            {
              field: 'message_template_quality_update',
              value: {
                message_template_id: 1304694804498800,
                message_template_name: 'order_update',
                message_template_language: 'en',
                previous_quality_score: 'GREEN',
                new_quality_score: 'RED',
              },
            },
          ],
        },
      ],
    });
    expect((await e2e.post(delivery)).status).toBe(200);
    await page.getByRole('link', { name: 'order_update (en)' }).waitFor(SHOWN);
    expect(await page.evaluate('window.notReloaded')).toBe(true);
    await page.close();
  });

  it("draws one timeline segment per recorded quality on the entity's page, with the change list", async () => {
    const page = await openPage(`templates/${encodeURIComponent(CART_REMINDER)}`);
    await page.locator('main table tbody tr').first().waitFor(SHOWN);
    const history = (await (
      await fetch(`${pipeline.url}/v1/templates/${encodeURIComponent(CART_REMINDER)}/history`)
    ).json()) as { items: { transitions: { attribute: string; to: unknown }[] }[] };
    const recorded = history.items
      .flatMap((entry) => entry.transitions)
      .filter((t) => t.attribute === 'qualityScore')
      .map((t) => t.to)
      .reverse();
    expect(recorded).toEqual(['YELLOW', 'RED', 'GREEN']);
    const segments = page.locator('.lane-quality .segment');
    // The chart draws once its history has arrived, which may be after the change list on a busy machine.
    await expect
      .poll(() => segments.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-value'))), SHOWN)
      .toEqual(recorded);
    await expect.poll(() => page.locator('.marker').count(), SHOWN).toBe(1); // the pause
    expect(await rows(page).count()).toBeGreaterThanOrEqual(history.items.length);
    await page.getByText('raw').first().click();
    await expect.poll(() => page.locator('details[open] pre').textContent()).toContain('"new_quality_score"');
    await page.getByRole('button', { name: '7 d' }).click();
    expect(await page.getByRole('button', { name: '7 d' }).getAttribute('aria-pressed')).toBe('true');
    await screenshot(page, 'entity');
    await page.close();
  });

  it('narrows the templates table with search and filters', async () => {
    const page = await openPage('templates');
    await page.getByRole('link', { name: 'cart_reminder' }).waitFor(SHOWN);
    await expect.poll(() => rows(page).count(), SHOWN).toBe(3);
    await screenshot(page, 'templates');
    await page.getByLabel('Search name').fill('spring');
    await expect
      .poll(() => rows(page).allInnerTexts(), SHOWN)
      .toEqual([expect.stringContaining('spring_sale')]);
    await page.getByLabel('Search name').fill('');
    await page.getByLabel('Quality').selectOption('RED');
    await expect.poll(() => rows(page).count(), SHOWN).toBe(2);
    await page.getByLabel('Status').selectOption('PAUSED');
    await expect.poll(() => rows(page).count(), SHOWN).toBe(1);
    await page.close();
  });

  it('narrows the phone numbers table by status and by number', async () => {
    const page = await openPage('phone-numbers');
    await expect.poll(() => rows(page).count(), SHOWN).toBe(2);
    await screenshot(page, 'phone-numbers');
    await page.getByLabel('Status').selectOption('FLAGGED');
    await expect
      .poll(() => rows(page).allInnerTexts(), SHOWN)
      .toEqual([expect.stringContaining('15550783882')]);
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Search number or name').fill('783881');
    await expect
      .poll(() => rows(page).allInnerTexts(), SHOWN)
      .toEqual([expect.stringContaining('15550783881')]);
    await page.close();
  });

  it('filters alerts by severity and kind', async () => {
    const page = await openPage('alerts');
    await expect.poll(() => rows(page).count(), SHOWN).toBeGreaterThan(5);
    await screenshot(page, 'alerts');
    await page.getByLabel('Severity').selectOption('INFO');
    await expect
      .poll(async () => new Set(await page.locator('main tbody .badge').allInnerTexts()), SHOWN)
      .toEqual(new Set(['INFO']));
    await page.getByLabel('Severity').selectOption('');
    await page.getByLabel('Kind').selectOption('phone-flagged');
    await expect.poll(() => rows(page).count(), SHOWN).toBe(2);
    await page.close();
  });

  it('shows each WABA with its portfolio messaging limit and its numbers', async () => {
    const page = await openPage('portfolio');
    const card = page.locator('.card').first();
    await card.waitFor(SHOWN);
    expect(await card.textContent()).toContain('TIER_100K');
    expect(await card.locator('.numbers li').count()).toBe(2);
    await screenshot(page, 'portfolio');
    await page.close();
  });

  it('can be used with the keyboard alone', async () => {
    const page = await openPage('');
    await page.locator('.attention-item').first().waitFor(SHOWN);
    await page.keyboard.press('Tab'); // skip link
    await page.keyboard.press('Tab'); // first page link
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // Phone numbers
    await page.getByRole('heading', { name: 'Phone numbers' }).waitFor(SHOWN);
    await page.close();
  });

  it('fits a phone screen and reads in dark mode', async () => {
    const page = await openPage('', { colorScheme: 'dark', width: 390 });
    await page.locator('.attention-item').first().waitFor(SHOWN);
    const overflow = await page.evaluate(HORIZONTAL_OVERFLOW);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'needs-attention-phone-dark');
    await page.goto(`${pipeline.url}/#/templates`);
    await page.getByRole('link', { name: 'cart_reminder' }).waitFor(SHOWN);
    expect(await page.evaluate(HORIZONTAL_OVERFLOW)).toBeLessThanOrEqual(0);
    await screenshot(page, 'templates-phone-dark');
    await page.close();
  });

  it.each([
    ['', 'light'],
    ['', 'dark'],
    ['phone-numbers', 'light'],
    ['templates', 'dark'],
    [`templates/${encodeURIComponent(CART_REMINDER)}`, 'light'],
    [`templates/${encodeURIComponent(CART_REMINDER)}`, 'dark'],
    ['alerts', 'light'],
    ['portfolio', 'light'],
  ] as const)('has no serious accessibility violations on #/%s (%s)', async (hash, colorScheme) => {
    const page = await openPage(hash, { colorScheme, bypassCSP: true });
    await page.locator('main h1').waitFor(SHOWN);
    await page.waitForLoadState('networkidle');
    expect(await seriousViolations(page)).toEqual([]);
    await page.close();
  });

  it('logged no console errors on any page', () => {
    expect(errors).toEqual([]);
  });
});
