import { describe, expect, it } from 'vitest';
import { extractTraffic } from '../../../shared/traffic/extract-traffic.ts';
import { pseudonymsFromSecret } from '../../../shared/traffic/pseudonyms.ts';
import { parseWebhook } from '../../../shared/webhook/parse-webhook.ts';
import { readFixture } from '../../support/fixtures.ts';

const pseudonyms = pseudonymsFromSecret('app-secret-5f2c9e');
const PHONE = '102290129340398:15550783881';

/** The facts of a fixture, through the parser's hook as the ingest reads them. */
function factsOf(fixture: string, secret = 'app-secret-5f2c9e') {
  const facts: unknown[] = [];
  const keyed = pseudonymsFromSecret(secret);
  parseWebhook(readFixture(fixture), {
    receivedAt: Date.UTC(2026, 10, 25),
    onOtherChange: (field, value, wabaId) => facts.push(...extractTraffic(field, value, wabaId, keyed)),
  });
  return facts;
}

describe('traffic facts of Meta payloads', () => {
  it('a sent status: its time, the billed category and the BSUID-keyed customer', () => {
    expect(
      factsOf('messages.status_sent_pricing_bsuid.constructed-after-meta-status-reference.json'),
    ).toEqual([
      {
        k: 'status',
        p: PHONE,
        c: pseudonyms.customer(PHONE, 'US.13491208655302741918'),
        m: pseudonyms.message('wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA'),
        s: 'sent',
        t: 1764064800,
        pc: 'marketing',
      },
    ]);
  });

  it('a failed status keeps its error codes', () => {
    const [fact] = factsOf('messages.status_failed_131049.constructed-after-meta-status-reference.json');
    expect(fact).toMatchObject({ k: 'status', s: 'failed', e: [131049], t: 1764068400 });
  });

  it('an inbound message is keyed on the BSUID, the same customer as the status that carries it', () => {
    const [fact] = factsOf('messages.text_inbound_bsuid.constructed-after-meta-text-reference.json');
    expect(fact).toMatchObject({
      k: 'inbound',
      p: PHONE,
      c: pseudonyms.customer(PHONE, 'US.13491208655302741918'),
      t: 1764064700,
    });
  });

  it('a marketing stop', () => {
    expect(
      factsOf('user_preferences.marketing_stop.constructed-after-meta-user-preferences-reference.json'),
    ).toEqual([
      {
        k: 'preference',
        p: PHONE,
        c: pseudonyms.customer(PHONE, '16505551234'),
        v: 'stop',
        cat: 'marketing_messages',
        t: 1764072000,
      },
    ]);
  });

  describe("Meta's own examples", () => {
    const BSUID = 'user.9373795779eb6441c8adb2eaee5b848e7dd174ddd302d7db62142f4722d574b6';

    it('a sent marketing status (per-message pricing)', () => {
      expect(factsOf('messages.status_sent_pmp_marketing.meta-docs.json')).toEqual([
        {
          k: 'status',
          p: PHONE,
          c: pseudonyms.customer(PHONE, '16505551234'),
          m: pseudonyms.message('wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA='),
          s: 'sent',
          t: 1750030073,
          pc: 'marketing',
        },
      ]);
    });

    it('a status failed with 131049 (per-user marketing limit)', () => {
      expect(factsOf('messages.status_failed_131049.meta-docs.json')).toMatchObject([
        {
          k: 'status',
          s: 'failed',
          e: [131049],
          t: 1751142888,
          c: pseudonyms.customer(PHONE, '16505551234'),
        },
      ]);
    });

    it("a message sent to a user's phone number and one sent to their BSUID are one customer", () => {
      // Sent to the phone number, the status names the BSUID only on its contact (Meta's BSUID guide).
      const [toPhone] = factsOf('messages.status_delivered_bsuid_on_contact.meta-docs-bsuid.json');
      const [toBsuid] = factsOf('messages.status_delivered_to_bsuid.meta-docs-bsuid.json');
      expect(toPhone).toMatchObject({ k: 'status', s: 'delivered', c: pseudonyms.customer(PHONE, BSUID) });
      expect(toBsuid).toMatchObject({ k: 'status', s: 'delivered', c: pseudonyms.customer(PHONE, BSUID) });
    });

    it('a message from a username user without a phone number is keyed on the BSUID', () => {
      expect(factsOf('messages.text_inbound_username_user.meta-docs-bsuid.json')).toEqual([
        {
          k: 'inbound',
          p: PHONE,
          c: pseudonyms.customer(PHONE, 'user.93737...'),
          m: pseudonyms.message('wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA='),
          t: 1749416383,
        },
      ]);
    });

    it('a marketing resume', () => {
      expect(factsOf('user_preferences.marketing_resume.meta-docs.json')).toEqual([
        {
          k: 'preference',
          p: PHONE,
          c: pseudonyms.customer(PHONE, '16505551234'),
          v: 'resume',
          cat: 'marketing_messages',
          t: 1731705721,
        },
      ]);
    });
  });

  it('keeps no message text, phone number, user id or message id in the clear', () => {
    const text = JSON.stringify([
      ...factsOf('messages.status_sent_pricing_bsuid.constructed-after-meta-status-reference.json'),
      ...factsOf('messages.text_inbound_bsuid.constructed-after-meta-text-reference.json'),
      ...factsOf('user_preferences.marketing_stop.constructed-after-meta-user-preferences-reference.json'),
    ]);
    for (const secret of ['16505551234', 'US.13491208655302741918', 'wamid.', 'another color', 'Sheena'])
      expect(text).not.toContain(secret);
  });

  it('pseudonyms depend on the key: another secret gives other ones', () => {
    const fixture = 'messages.text_inbound_bsuid.constructed-after-meta-text-reference.json';
    expect(factsOf(fixture, 'another-secret')).not.toEqual(factsOf(fixture));
  });

  it('an App Dashboard test delivery (entry id 0) and a change without metadata give no facts', () => {
    const value = { statuses: [{ id: 'wamid.x', status: 'sent', timestamp: '1764064800' }] };
    expect(extractTraffic('messages', value, '102290129340398', pseudonyms)).toEqual([]);
    const facts: unknown[] = [];
    parseWebhook(
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '0',
            changes: [{ field: 'messages', value: { ...value, metadata: { phone_number_id: '1' } } }],
          },
        ],
      }),
      { receivedAt: 0, onOtherChange: (...args) => facts.push(args) },
    );
    expect(facts).toEqual([]);
  });
});
