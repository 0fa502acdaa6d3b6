import { PAGE_SIZE } from '../functions/poller/poll-waba.ts';
import { startGraphApiStub } from '../local/graph-api-stub.ts';
import { GraphClient } from '../shared/graph/graph-client.ts';
import { runPoll } from '../test/support/sequential-poll.ts';
import { QUIET, syntheticWaba } from './bench-setup.ts';
import { printTable } from './measure.ts';

/** Graph API calls per poll run for N phone numbers and M templates, next to the minimum paging allows. */
export async function benchPollerCalls(): Promise<void> {
  const rows = [];
  for (const [numbers, templates] of [
    [1, 5],
    [25, 250],
    [250, 430],
    [1000, 2500],
  ] as const) {
    const stub = await startGraphApiStub({
      token: 't',
      wabas: { '1': syntheticWaba(numbers, templates) },
    });
    try {
      const [result] = await runPoll({
        wabaIds: ['1'],
        graphFor: () => new GraphClient({ baseUrl: stub.url, version: 'v24.0', token: async () => 't' }),
        queue: { send: async () => ({ batches: 0 }) },
        ...QUIET,
        version: 'v24.0',
        intervalMinutes: 15,
      });
      const minimum =
        Math.max(1, Math.ceil(numbers / PAGE_SIZE)) + Math.max(1, Math.ceil(templates / PAGE_SIZE));
      rows.push({
        'phone numbers': numbers,
        templates,
        'calls per run': result?.calls ?? 0,
        'minimum (pages of 100)': minimum,
        'calls per hour at a 15-minute rate (budget 200)': (result?.calls ?? 0) * 4,
      });
    } finally {
      await stub.close();
    }
  }
  printTable('Poller: Graph API calls per run and WABA', rows);
}
