import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Page } from 'playwright-core';
import { buildConsole } from '../scripts/build-console.ts';
import type { PhoneNumberState, TemplateState } from '../shared/state/entity-state.ts';
import { stateItemOf } from '../shared/store/table-items.ts';
import { launchChromium } from '../test/browser/browser-support.ts';
import { withLocalPipeline } from './bench-setup.ts';
import { fixed, median, printTable } from './measure.ts';

const TEMPLATES = Number(process.env.BENCH_CONSOLE_TEMPLATES ?? '10000');
const NUMBERS = Number(process.env.BENCH_CONSOLE_NUMBERS ?? '2000');
const WABAS = 20;
const RUNS = 5;
/** The target for the landing page and the templates table with this much data. */
const TARGET_MS = 2000;

/**
 * The console with 10,000 templates and 2,000 numbers in the local pipeline (states written straight to the
 * table: the processor is not what is measured): time from navigation until the landing page lists what needs
 * attention and until the templates table shows its first page, in Chromium. The floor is the console's own
 * shell (a page with no data to load), measured in the same run. "Cold" is the first request after start, when
 * the read API reads every state from the table (StateSnapshots); later ones are served from memory.
 */
export async function benchConsoleRender(): Promise<void> {
  await buildConsole();
  await withLocalPipeline({ appSecret: 'bench' }, async (pipeline) => {
    const launched = await launchChromium();
    try {
      const seedStart = process.hrtime.bigint();
      await seed(pipeline.resources.tableName);
      const seedSeconds = Number(process.hrtime.bigint() - seedStart) / 1e9;
      const page = await launched.browser.newPage({ viewport: { width: 1280, height: 800 } });
      const timeTo = async (hash: string, selector: string) => {
        const samples: number[] = [];
        for (let run = 0; run < RUNS + 1; run += 1) {
          await page.goto('about:blank');
          const start = process.hrtime.bigint();
          await page.goto(`${pipeline.url}/#/${hash}`);
          await page.locator(selector).first().waitFor({ timeout: 180_000 });
          samples.push(Number(process.hrtime.bigint() - start) / 1e6);
        }
        // The first run is the cold one; the median is of the others.
        return { cold: samples[0] ?? 0, warm: median(samples.slice(1)) };
      };
      const floor = (await timeTo('no-such-page', 'main h1')).warm;
      const landing = await timeTo('', '.attention-item');
      const templates = await timeTo('templates', 'main table tbody tr');
      const searched = await timeToSearch(page, pipeline.url);
      const row = (what: string, ms: number) => ({
        what,
        ms: fixed(ms, 0),
        'x floor': fixed(ms / floor, 1),
        [`under ${TARGET_MS} ms`]: ms < TARGET_MS ? 'yes' : 'NO',
      });
      printTable(
        `Console in Chromium with ${TEMPLATES} templates and ${NUMBERS} numbers (seeded in ${fixed(seedSeconds, 0)} s; median of ${RUNS})`,
        [
          row('floor: console shell, no data', floor),
          row('Needs attention (landing), cold: first request reads every state', landing.cold),
          row('Needs attention (landing)', landing.warm),
          row('Templates table, first page', templates.warm),
          row('Templates search, answer shown', searched),
        ],
      );
    } finally {
      await launched.close();
    }
  });
}

/** From typing a search on the templates page until the one matching row is all the table shows. */
async function timeToSearch(page: Page, url: string): Promise<number> {
  const samples: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    await page.goto(`${url}/#/templates`);
    await page.locator('main table tbody tr').first().waitFor({ timeout: 120_000 });
    const name = `template_${String(1234 + run * 777).padStart(5, '0')}`;
    const start = process.hrtime.bigint();
    await page.getByLabel('Search name').fill(name);
    await page.waitForFunction(
      (wanted) => {
        // Runs in the page: its DOM, typed here without pulling DOM types into the Node program.
        type Rows = ArrayLike<{ textContent: string | null }>;
        const page = globalThis as unknown as { document: { querySelectorAll(selector: string): Rows } };
        const rows = page.document.querySelectorAll('main table tbody tr');
        return rows.length === 1 && rows[0]?.textContent?.includes(wanted);
      },
      name,
      { timeout: 120_000 },
    );
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

async function seed(tableName: string): Promise<void> {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const updatedAt = Date.now() - 3_600_000;
  const base = { isTest: false, updatedAt, versions: {} };
  const templates = Array.from({ length: TEMPLATES }, (_, i): TemplateState => {
    const wabaId = `waba-${i % WABAS}`;
    // About 1 in 50 RED, 1 in 100 paused: a few hundred lines need attention, as in a large, busy account.
    return {
      ...base,
      kind: 'template',
      id: `${wabaId}:${9_000_000 + i}`,
      wabaId,
      templateId: String(9_000_000 + i),
      name: `template_${String(i).padStart(5, '0')}`,
      language: i % 3 === 0 ? 'es' : 'en_US',
      status: i % 100 === 7 ? 'PAUSED' : 'APPROVED',
      qualityScore: i % 50 === 3 ? 'RED' : i % 10 === 1 ? 'YELLOW' : 'GREEN',
      category: ['MARKETING', 'UTILITY', 'AUTHENTICATION'][i % 3],
      pauses: [],
      pauseCount: i % 100 === 7 ? 1 : 0,
    };
  });
  const numbers = Array.from({ length: NUMBERS }, (_, i): PhoneNumberState => {
    const wabaId = `waba-${i % WABAS}`;
    const display = `1555${String(1_000_000 + i)}`;
    return {
      ...base,
      kind: 'phone-number',
      id: `${wabaId}:${display}`,
      wabaId,
      displayPhoneNumber: display,
      qualityRating: i % 40 === 5 ? 'RED' : 'GREEN',
      status: i % 200 === 9 ? 'FLAGGED' : 'CONNECTED',
      messagingLimit: 'TIER_10K',
    };
  });
  const items = [...templates, ...numbers].map((state) => stateItemOf(state, 1));
  const batches: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  // A few writers at once; unprocessed items are written again.
  const writer = async () => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) {
      let pending = batch.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const result = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
        pending = (result.UnprocessedItems?.[tableName] ?? []) as typeof pending;
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, writer));
}

if (import.meta.url === `file://${process.argv[1]}`) await benchConsoleRender();
