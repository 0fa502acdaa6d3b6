import { describeReadRate, type PhoneMetricsPoint, readRateOver } from '../shared/traffic/phone-metrics.ts';
import { localUrl } from './local-settings.ts';
import { fetchAllItems } from './read-client.ts';

const WEEK_MS = 7 * 86_400_000;

/** Read rate of the last 7 days from message tracking; `—` when tracking is off or nothing was delivered. */
async function weekReadRate(url: string, phoneNumberId: string): Promise<string> {
  const query = `from=${new Date(Date.now() - WEEK_MS).toISOString()}&granularity=day`;
  const response = await fetch(
    `${url}/v1/phone-numbers/${encodeURIComponent(phoneNumberId)}/metrics?${query}`,
  );
  if (!response.ok) return '—';
  const { items } = (await response.json()) as { items: PhoneMetricsPoint[] };
  return describeReadRate(readRateOver(items));
}

/** A template's read rate of the last 7 days from Meta's insights (read by the poller); `—` without any. */
async function templateWeekReadRate(url: string, templateId: string): Promise<string> {
  const query = `from=${new Date(Date.now() - WEEK_MS).toISOString()}&granularity=day`;
  const response = await fetch(`${url}/v1/templates/${encodeURIComponent(templateId)}/metrics?${query}`);
  if (!response.ok) return '—';
  const { total } = (await response.json()) as { total: { read: number; delivered: number } };
  return describeReadRate(readRateOver([total]));
}

/**
 * `npm run status [-- --json]`: the open incidents first, then the current phone numbers, templates and business
 * portfolios (WABAs) of the running `npm start`.
 */
async function main(): Promise<void> {
  const url = localUrl();
  const json = process.argv.includes('--json');
  const all = (path: string) => fetchAllItems(url, path);
  let phoneNumbers: Record<string, unknown>[];
  let templates: Record<string, unknown>[];
  let businesses: Record<string, unknown>[];
  let incidents: Record<string, unknown>[];
  try {
    [incidents, phoneNumbers, templates, businesses] = await Promise.all([
      all('/v1/incidents'), // open ones: the route's default
      all('/v1/phone-numbers'),
      all('/v1/templates'),
      all('/v1/businesses'),
    ]);
  } catch (error) {
    console.error(
      `Nothing answers on ${url} (${error instanceof Error ? error.message : String(error)}): start it with npm start.`,
    );
    process.exit(1);
  }
  const [readRates, templateReadRates] = await Promise.all([
    Promise.all(phoneNumbers.map((p) => weekReadRate(url, String(p.id)))),
    Promise.all(templates.map((t) => templateWeekReadRate(url, String(t.id)))),
  ]);
  if (json) {
    const withRates = phoneNumbers.map((p, i) => ({ ...p, readRate7d: readRates[i] }));
    const templatesWithRates = templates.map((t, i) => ({ ...t, readRate7d: templateReadRates[i] }));
    console.log(
      JSON.stringify(
        { incidents, phoneNumbers: withRates, templates: templatesWithRates, businesses },
        null,
        2,
      ),
    );
    return;
  }
  // What is still wrong now comes first, the worst and oldest at the top.
  const rank = (severity: unknown) => (severity === 'CRITICAL' ? 0 : 1);
  console.log(`Open incidents (${incidents.length})`);
  console.table(
    [...incidents]
      .sort(
        (a, b) =>
          rank(a.currentSeverity) - rank(b.currentSeverity) ||
          String(a.openedAt).localeCompare(String(b.openedAt)),
      )
      .map(({ currentSeverity, entityKind, entityId, wabaId, concern, value, openedAt }) => ({
        severity: currentSeverity,
        entityKind,
        entityId,
        wabaId,
        concern,
        value,
        openedAt,
      })),
  );
  console.log(`Phone numbers (${phoneNumbers.length})`);
  console.table(
    phoneNumbers.map(
      (
        { wabaId, displayPhoneNumber, verifiedName, status, qualityRating, messagingLimit, updatedAt },
        i,
      ) => ({
        wabaId,
        displayPhoneNumber,
        verifiedName,
        status,
        qualityRating,
        messagingLimit,
        'read rate 7 d': readRates[i],
        updatedAt,
      }),
    ),
  );
  console.log(`Templates (${templates.length})`);
  console.table(
    templates.map(({ wabaId, name, language, status, qualityScore, category, pauseCount, updatedAt }, i) => ({
      wabaId,
      name,
      language,
      status,
      qualityScore,
      category,
      pauseCount,
      'read rate 7 d': templateReadRates[i],
      updatedAt,
    })),
  );
  console.log(`Business portfolios (${businesses.length})`);
  console.table(
    businesses.map(
      ({ wabaId, messagingLimit, banState, restrictions, violationType, pollerAccess, updatedAt }) => ({
        wabaId,
        messagingLimit,
        banState: banState ?? 'none',
        restrictions: Array.isArray(restrictions)
          ? restrictions.map((r: { type?: string }) => r.type).join(', ') || 'none'
          : 'none',
        violationType: violationType ?? 'none',
        pollerAccess: pollerAccess ?? 'not polled',
        updatedAt,
      }),
    ),
  );
}

void main();
