import { describe, expect, it } from 'vitest';
import { classifyGraphError } from '../../../shared/graph/graph-error.ts';
import {
  phoneSnapshotOf,
  polledPhoneNumber,
  polledTemplate,
  templateSnapshotOf,
} from '../../../shared/graph-records/polled-records.ts';
import { parseWebhook } from '../../../shared/webhook/parse-webhook.ts';
import { WebhookParseError } from '../../../shared/webhook/webhook-parse-error.ts';
import { fixtureNames, readFixture } from '../../support/fixtures.ts';

const RECEIVED_AT = Date.UTC(2026, 10, 1);

/** Every webhook fixture: the events it yields (`kind entity`) and the changes it skips (`field reason`). */
const WEBHOOK_FIXTURES: ReadonlyArray<readonly [string, readonly string[], readonly string[]]> = [
  ['account_alerts.increased_capabilities_deferred.meta-docs.json', ['account-alert 102290129340398'], []],
  ['account_alerts.oba_approved_flat.meta-dashboard-test-sample.json', ['account-alert 0'], []],
  ['account_review_update.approved.meta-docs.json', [], ['account_review_update not-quality']],
  ['account_review_update.approved.meta-manage-webhooks.json', [], ['account_review_update not-quality']],
  [
    'account_review_update.approved.whatsapp-business-java-api.json',
    [],
    ['account_review_update not-quality'],
  ],
  ['account_update.account_deleted.pywa-copy-of-meta-docs.json', ['account-update 102290129340398'], []],
  ['account_update.account_offboarded.pywa-copy-of-meta-docs.json', ['account-update 102290129340398'], []],
  ['account_update.account_reconnected.pywa-copy-of-meta-docs.json', ['account-update 102290129340398'], []],
  ['account_update.account_restriction.pywa-copy-of-meta-docs.json', ['account-update 102290129340398'], []],
  [
    'account_update.account_restriction_placeholders.whatsapp-business-java-api.json',
    ['account-update whatsapp-business-account-id'],
    [],
  ],
  [
    'account_update.account_violation_adult.pywa-copy-of-meta-docs.json',
    ['account-update 102290129340398'],
    [],
  ],
  [
    'account_update.disabled_update_reinstate.pywa-copy-of-meta-docs.json',
    ['account-update 102290129340398'],
    [],
  ],
  [
    'account_update.disabled_update_schedule_for_disable.whatsapp-business-java-api.json',
    ['account-update whatsapp-business-account-id'],
    [],
  ],
  [
    'account_update.partner_added_entry_is_business_portfolio.meta-manage-webhooks.json',
    ['account-update 35602282435505'],
    [],
  ],
  [
    'account_update.partner_app_uninstalled.pywa-copy-of-meta-docs.json',
    ['account-update 2949482758682047'],
    [],
  ],
  [
    'account_update.partner_client_certification_needed.meta-manage-webhooks.json',
    ['account-update 102289599326934'],
    [],
  ],
  [
    'account_update.partner_removed_disconnection.pywa-copy-of-meta-docs.json',
    ['account-update 2949482758682047'],
    [],
  ],
  ['account_update.verified_account.meta-dashboard-test-sample.json', ['account-update 0'], []],
  ['account_update.verified_account.meta-manage-webhooks.json', ['account-update 495709166956424'], []],
  [
    'account_update.verified_account.whatsapp-business-java-api.json',
    ['account-update whatsapp-business-account-id'],
    [],
  ],
  [
    'account_update.volume_based_pricing_tier_update.pywa-copy-of-meta-docs.json',
    ['account-update 102290129340398'],
    [],
  ],
  [
    'batch.no_object_key_mixed_fields.synthetic-go-parser-test.json',
    ['phone-quality WABA1:id-PN1', 'phone-name WABA1:id-PN1', 'business-capability WABA1'],
    ['account_review_update not-quality', 'messages not-quality'],
  ],
  [
    'batch.one_entry_18_changes_partial_values.synthetic-kapso.json',
    [
      'account-alert WABA_ID',
      'account-update WABA_ID',
      'business-capability WABA_ID',
      'template-components WABA_ID:1',
      'template-status WABA_ID:2',
      'phone-name WABA_ID:123',
      'template-category WABA_ID:3',
    ],
    [
      'account_review_update not-quality',
      'history not-quality',
      'message_template_quality_update invalid',
      'messages not-quality',
      'partner_solutions not-quality',
      'payment_configuration_update not-quality',
      'phone_number_quality_update invalid',
      'security not-quality',
      'smb_app_state_sync not-quality',
      'smb_message_echoes not-quality',
      'user_preferences not-quality',
    ],
  ],
  [
    'business_capability_update.portfolio_limit_int.meta-docs.json',
    ['business-capability 524126980791429'],
    [],
  ],
  [
    'message_template_quality_update.green_to_yellow.meta-dashboard-test-sample.json',
    ['template-quality 0:12345678'],
    [],
  ],
  [
    'message_template_quality_update.green_to_yellow.meta-docs-2025-WRONG-FIELD.json',
    ['template-quality 102290129340398:806312974732579'],
    [],
  ],
  [
    'message_template_quality_update.green_to_yellow.meta-docs-2026.json',
    ['template-quality 102290129340398:806312974732579'],
    [],
  ],
  [
    'message_template_quality_update.green_to_yellow_en_US.pywa.json',
    ['template-quality 102290129340398:806312974732579'],
    [],
  ],
  [
    'message_template_status_update.approved.meta-docs.json',
    ['template-status 102290129340398:1689556908129832'],
    [],
  ],
  [
    'message_template_status_update.approved_en_US.pywa.json',
    ['template-status 102290129340398:1689556908129832'],
    [],
  ],
  [
    'message_template_status_update.approved_name_with_spaces.meta-manage-webhooks.json',
    ['template-status 495709166956424:64244916695'],
    [],
  ],
  [
    'message_template_status_update.approved_no_reason.piusalfred-whatsapp.json',
    ['template-status 123456789:12345'],
    [],
  ],
  [
    'message_template_status_update.approved_reason_null_entry_id_0.pywa-2023.json',
    ['template-status 0:12345678'],
    [],
  ],
  [
    'message_template_status_update.approved_with_category.meta-dashboard-test-sample.json',
    ['template-status 0:12345678'],
    [],
  ],
  [
    'message_template_status_update.disabled_disable_date_int.synthetic-dogalyir.json',
    ['template-status 102290129340398:1689556908129832'],
    [],
  ],
  [
    'message_template_status_update.disabled_disable_info.synthetic-constructed.json',
    ['template-status 102290129340398:1304694804498707'],
    [],
  ],
  [
    'message_template_status_update.flagged_with_disable_info_date_string.whatsapp-business-java-api.json',
    ['template-status whatsapp-business-account-id:1234567'],
    [],
  ],
  [
    'message_template_status_update.locked_other_info.synthetic-dogalyir.json',
    ['template-status 102290129340398:1689556908129832'],
    [],
  ],
  [
    'message_template_status_update.paused_first_pause.synthetic-constructed.json',
    ['template-status 102290129340398:1304694804498707'],
    [],
  ],
  [
    'message_template_status_update.rejected_invalid_format.meta-docs.json',
    ['template-status 102290129340398:1689556908129835'],
    [],
  ],
  [
    'message_template_status_update.rejected_promotional.synthetic-dogalyir.json',
    ['template-status 102290129340398:1689556908129832'],
    [],
  ],
  [
    'message_template_status_update.rejected_scam.whatsapp-business-java-api.json',
    ['template-status 880480871844883:905507062668800'],
    [],
  ],
  ['phone_number_name_update.approved.meta-docs.json', ['phone-name 102290129340398:15550783881'], []],
  [
    'phone_number_name_update.approved.meta-manage-webhooks.json',
    ['phone-name 495709166956424:124545784358810'],
    [],
  ],
  [
    'phone_number_name_update.approved.whatsapp-business-java-api.json',
    ['phone-name waba-id:16505551111'],
    [],
  ],
  [
    'phone_number_quality_update.downgrade_extra_fields.synthetic-python-metrics-test.json',
    ['phone-quality waba-metrics-1:15550000100'],
    [],
  ],
  [
    'phone_number_quality_update.flagged.meta-dashboard-test-sample-legacy.json',
    ['phone-quality 0:16505551111'],
    [],
  ],
  [
    'phone_number_quality_update.flagged.meta-manage-webhooks.json',
    ['phone-quality 495709166956424:124545784358810'],
    [],
  ],
  [
    'phone_number_quality_update.flagged.synthetic-csharp-parser-test.json',
    ['phone-quality 102290129340398:15550783881'],
    [],
  ],
  [
    'phone_number_quality_update.flagged.whatsapp-business-java-api.json',
    ['phone-quality waba-id:16505551111'],
    [],
  ],
  [
    'phone_number_quality_update.onboarding.meta-dashboard-test-sample.json',
    ['phone-quality 0:16505551111', 'business-capability 0'],
    [],
  ],
  [
    'phone_number_quality_update.throughput_upgrade.meta-docs.json',
    ['phone-quality 102290129340398:15550783881'],
    [],
  ],
  [
    'phone_number_quality_update.upgrade_with_old_limit_and_portfolio_limit.synthetic-csharp-parser-test.json',
    ['phone-quality 102290129340398:15550783881', 'business-capability 102290129340398'],
    [],
  ],
  [
    'template_category_update.appeal_status.meta-dashboard-test-sample.json',
    ['template-category 0:12345678'],
    [],
  ],
  [
    'template_category_update.completed_utility_to_marketing.meta-docs.json',
    ['template-category 102290129340398:278077987957091'],
    [],
  ],
  [
    'template_category_update.impending_utility_to_marketing.meta-docs.json',
    ['template-category 102290129340398:278077987957091'],
    [],
  ],
  [
    'template_category_update.legacy_shipping_update.meta-dashboard-test-sample-legacy.json',
    ['template-category 0:12345678'],
    [],
  ],
  ['template_category_update.new_category_only.pywa.json', ['template-category 57438975935:12345678'], []],
  [
    'message_template_components_update.order_confirmation.meta-docs.json',
    ['template-components 102290129340398:1315502779341834'],
    [],
  ],
  ['webhook.messages_errors_130429.meta-docs.json', [], ['messages not-quality']],
  [
    'messages.status_sent_pricing_bsuid.constructed-after-meta-status-reference.json',
    [],
    ['messages not-quality'],
  ],
  [
    'messages.status_failed_131049.constructed-after-meta-status-reference.json',
    [],
    ['messages not-quality'],
  ],
  ['messages.text_inbound_bsuid.constructed-after-meta-text-reference.json', [], ['messages not-quality']],
  [
    'user_preferences.marketing_stop.constructed-after-meta-user-preferences-reference.json',
    [],
    ['user_preferences not-quality'],
  ],
  ['messages.status_sent_pmp_marketing.meta-docs.json', [], ['messages not-quality']],
  ['messages.status_failed_131049.meta-docs.json', [], ['messages not-quality']],
  ['messages.status_delivered_bsuid_on_contact.meta-docs-bsuid.json', [], ['messages not-quality']],
  ['messages.status_delivered_to_bsuid.meta-docs-bsuid.json', [], ['messages not-quality']],
  ['messages.text_inbound_username_user.meta-docs-bsuid.json', [], ['messages not-quality']],
  ['user_preferences.marketing_resume.meta-docs.json', [], ['user_preferences not-quality']],
];

const isWebhookFixture = (name: string) => !name.startsWith('api.') && !name.startsWith('error.');

describe('every Meta webhook fixture', () => {
  it('is listed in the expectation table (a new fixture needs an expectation)', () => {
    const listed = new Set([...WEBHOOK_FIXTURES.map(([name]) => name), ...INVALID_JSON_FIXTURES]);
    expect(
      fixtureNames()
        .filter(isWebhookFixture)
        .filter((name) => !listed.has(name)),
    ).toEqual([]);
  });

  it.each(WEBHOOK_FIXTURES)('%s', (name, events, skipped) => {
    const parsed = parseWebhook(readFixture(name), { receivedAt: RECEIVED_AT });
    expect(parsed.events.map((e) => `${e.kind} ${e.entity.id}`)).toEqual(events);
    expect(parsed.skipped.map((s) => `${s.field} ${s.reason}`)).toEqual(skipped);
    for (const event of parsed.events) {
      expect(event.id).toMatch(/^[0-9a-f]{32}$/);
      expect(Number.isSafeInteger(event.eventTime)).toBe(true);
      expect(event.isTest).toBe(event.wabaId === '0');
    }
    // Parsing the same bytes again gives the same ids: retries collapse.
    const again = parseWebhook(readFixture(name), { receivedAt: RECEIVED_AT + 60_000 });
    expect(again.events.map((e) => e.id)).toEqual(parsed.events.map((e) => e.id));
  });
});

const INVALID_JSON_FIXTURES = [
  'account_update.disabled_update_INVALID_JSON.meta-manage-webhooks.txt',
  'api.phone_numbers.list_filtered_sandbox_INVALID_JSON.meta-docs.txt',
];

describe('invalid JSON that Meta published', () => {
  it.each(INVALID_JSON_FIXTURES)('%s gives a clear parse error', (name) => {
    const parse = () => parseWebhook(readFixture(name), { receivedAt: RECEIVED_AT });
    expect(parse).toThrow(WebhookParseError);
    expect(parse).toThrow(/^body is not valid JSON \(.+\)$/);
    try {
      parse();
    } catch (error) {
      expect((error as WebhookParseError).code).toBe('INVALID_JSON');
    }
  });
});

/** Graph API responses: what the poller turns into snapshot events. */
const API_FIXTURES: ReadonlyArray<
  readonly [string, 'phone' | 'template', readonly Record<string, unknown>[]]
> = [
  ['api.phone_number.get.meta-docs.json', 'phone', [{ entity: 'W:15555555555', qualityRating: 'GREEN' }]],
  [
    'api.phone_number.get.pywa-docstring.json',
    'phone',
    [
      {
        entity: 'W:15550967852',
        qualityRating: 'GREEN',
        throughput: 'STANDARD',
        displayPhoneNumber: '+1 555-096-7852',
      },
    ],
  ],
  [
    'api.phone_number.get.whatsapp-business-java-api.json',
    'phone',
    [{ entity: 'W:11111111111', throughput: 'STANDARD' }],
  ],
  [
    'api.phone_number.get_fields_name_status.whatsapp-business-java-api.json',
    'phone',
    [{ entity: 'W:id-109219645287979', nameStatus: 'APPROVED' }],
  ],
  [
    'api.phone_number.get_messaging_limit.meta-docs.json',
    'phone',
    [{ entity: 'W:id-106540352242922', messagingLimit: 'TIER_250' }],
  ],
  [
    'api.phone_number.get_metadata_webhook_configuration.meta-docs.json',
    'phone',
    [{ entity: 'W:15550783881', verifiedName: 'Lucky Shrub' }],
  ],
  [
    'api.phone_number.get_name_status.meta-docs.json',
    'phone',
    [{ entity: 'W:id-105954558954427', nameStatus: 'AVAILABLE_WITHOUT_REVIEW' }],
  ],
  ['api.phone_number.get_new_name_status.meta-docs.json', 'phone', [{ entity: 'W:id-106540352242922' }]],
  [
    'api.phone_number.get_status.meta-docs.json',
    'phone',
    [{ entity: 'W:id-106540352242922', status: 'CONNECTED' }],
  ],
  [
    'api.phone_number.get_verified_name.meta-docs.json',
    'phone',
    [{ entity: 'W:id-106540352242922', verifiedName: 'Lucky Shrub' }],
  ],
  [
    'api.phone_number.health_status_available.meta-docs.json',
    'phone',
    [{ entity: 'W:id-106540352242922', canSendMessage: 'AVAILABLE' }],
  ],
  [
    'api.phone_number.health_status_limited.meta-docs.json',
    'phone',
    [{ entity: 'W:id-105154286024403', canSendMessage: 'LIMITED' }],
  ],
  [
    'api.phone_number.health_status_sip_blocked.meta-docs.json',
    'phone',
    [{ entity: 'W:id-105154286024403', canSendMessage: 'BLOCKED' }],
  ],
  [
    'api.phone_numbers.list_asc.meta-docs.json',
    'phone',
    [
      { entity: 'W:16315555556', qualityRating: 'NA' },
      { entity: 'W:16315555555', qualityRating: 'GREEN' },
    ],
  ],
  [
    'api.phone_numbers.list_desc.meta-docs.json',
    'phone',
    [
      { entity: 'W:16315555555', qualityRating: 'GREEN' },
      { entity: 'W:16315555556', qualityRating: 'NA' },
    ],
  ],
  [
    'api.phone_numbers.list_with_paging_NA.whatsapp-business-java-api.json',
    'phone',
    [
      { entity: 'W:1111111111', qualityRating: 'YELLOW' },
      { entity: 'W:2222222222', qualityRating: 'RED' },
      { entity: 'W:33333333333', qualityRating: 'GREEN' },
      { entity: 'W:4444444', qualityRating: 'NA' },
    ],
  ],
  [
    'api.template.get_quality_score.meta-docs.json',
    'template',
    [{ entity: 'W:1387372356726668', qualityScore: 'GREEN' }],
  ],
  ['api.template.health_status_blocked.meta-docs.json', 'template', [{ entity: 'W:2632273056924580' }]],
];

describe('every Graph API fixture', () => {
  it('is listed in the expectation table', () => {
    const listed = new Set([
      ...API_FIXTURES.map(([name]) => name),
      ...INVALID_JSON_FIXTURES,
      // Not records but daily figures: read in test/unit/insights/template-insights.test.ts.
      'api.template_analytics.daily_two_templates.meta-docs.json',
    ]);
    expect(fixtureNames().filter((n) => n.startsWith('api.') && !listed.has(n))).toEqual([]);
  });

  it.each(API_FIXTURES)('%s becomes poll snapshots', (name, kind, expected) => {
    const body = JSON.parse(readFixture(name)) as { data?: unknown[] };
    const records = body.data ?? [body];
    const ctx = { wabaId: 'W', polledAt: RECEIVED_AT };
    const events = records.map((record) =>
      kind === 'phone'
        ? phoneSnapshotOf(polledPhoneNumber.parse(record), ctx)
        : templateSnapshotOf(polledTemplate.parse(record), ctx),
    );
    expect(events).toHaveLength(expected.length);
    events.forEach((event, index) => {
      const { entity, ...fields } = expected[index] ?? {};
      expect(event.source).toBe('poll');
      expect(event.entity.id).toBe(entity);
      for (const [key, value] of Object.entries(fields)) {
        const actual = (event as unknown as Record<string, unknown>)[key];
        const raw =
          actual !== null && typeof actual === 'object'
            ? (actual as { raw?: unknown; tier?: unknown })
            : undefined;
        expect(raw ? (raw.tier ?? raw.raw) : actual).toBe(value);
      }
    });
  });
});

describe('every Graph API error fixture', () => {
  it.each([
    ['error.graph_expired_token_190_463.pywa.json', 400, 'auth', 190],
    ['error.graph_oauth_190_460.meta-docs.json', 400, 'auth', 190],
    ['error.graph_object_not_found_100_33.whatsapp-business-java-api.json', 400, 'permission', 100],
    ['error.request_code_136024_is_transient.whatsapp-business-java-api.json', 400, 'other', 136024],
  ] as const)('%s is classified', (name, status, expectedClass, code) => {
    const error = classifyGraphError(status, JSON.parse(readFixture(name)));
    expect(error.class).toBe(expectedClass);
    expect(error.code).toBe(code);
    expect(error.fbtraceId).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('has an expectation for every error fixture', () => {
    expect(fixtureNames().filter((n) => n.startsWith('error.'))).toHaveLength(4);
  });
});
