import type { StubWaba } from '../../local/graph-api-stub.ts';
import { readFixture } from './fixtures.ts';

const records = (name: string): Record<string, unknown>[] => {
  const body = JSON.parse(readFixture(name)) as { data?: Record<string, unknown>[] };
  return body.data ?? [body as Record<string, unknown>];
};

/** Seven phone numbers as Meta's API samples show them (bare-digit and formatted display numbers, NA quality). */
export const FIXTURE_PHONE_NUMBERS: Record<string, unknown>[] = [
  ...records('api.phone_numbers.list_with_paging_NA.whatsapp-business-java-api.json'),
  ...records('api.phone_numbers.list_asc.meta-docs.json'),
  ...records('api.phone_number.get.meta-docs.json'),
].map((record) => ({ status: 'CONNECTED', whatsapp_business_manager_messaging_limit: 'TIER_2K', ...record }));

/** Five templates built on Meta's quality-score sample. */
export const FIXTURE_TEMPLATES: Record<string, unknown>[] = (() => {
  const [sample] = records('api.template.get_quality_score.meta-docs.json');
  return ['GREEN', 'YELLOW', 'RED', 'GREEN', 'UNKNOWN'].map((score, i) => ({
    ...sample,
    id: String(1387372356726668 + i),
    name: `template_${i}`,
    language: 'en_US',
    status: score === 'RED' ? 'PAUSED' : 'APPROVED',
    category: 'MARKETING',
    quality_score: { score, date: 1758754645 },
  }));
})();

export const fixtureWaba = (): StubWaba => ({
  phoneNumbers: FIXTURE_PHONE_NUMBERS,
  templates: FIXTURE_TEMPLATES,
});
