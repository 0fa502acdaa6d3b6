/** The read API's public item shapes (README, "Read API"), as the console uses them. */
export interface PhoneNumber {
  readonly id: string;
  readonly wabaId: string;
  readonly phoneNumberId?: string;
  readonly displayPhoneNumber?: string;
  readonly verifiedName?: string;
  readonly qualityRating?: string;
  readonly status?: string;
  readonly messagingLimit?: string;
  readonly canSendMessage?: string;
  readonly updatedAt: string;
}

export interface Template {
  readonly id: string;
  readonly wabaId: string;
  readonly templateId: string;
  readonly name?: string;
  readonly language?: string;
  readonly status?: string;
  readonly qualityScore?: string;
  readonly category?: string;
  readonly pauseCount: number;
  readonly pausedUntil?: string;
  readonly disableDate?: string;
  readonly updatedAt: string;
}

export interface Business {
  readonly id: string;
  readonly wabaId: string;
  readonly messagingLimit?: string;
  readonly maxPhoneNumbers?: number;
  readonly banState?: string;
  readonly banDate?: string;
  readonly restrictions?: readonly { type: string; expiresAt?: string }[];
  readonly violationType?: string;
  readonly pollerAccess?: string;
  readonly pollerAccessError?: string;
  readonly accountAlerts: Readonly<
    Record<string, { status: string; severity: string; description?: string }>
  >;
  readonly updatedAt: string;
}

export interface Waba {
  readonly wabaId: string;
  readonly phoneNumbers: number;
  readonly templates: number;
  readonly messagingLimit?: string;
}

export type Severity = 'CRITICAL' | 'WARNING' | 'INFO';

export interface Alert {
  readonly id: string;
  readonly severity: Severity;
  readonly kind: string;
  readonly entityKind: 'phone-number' | 'template' | 'business';
  readonly entityId: string;
  readonly wabaId: string;
  readonly title: string;
  readonly description?: string;
  readonly eventTime: string;
  readonly createdAt: string;
}

export interface AttentionItem {
  readonly entityKind: 'phone-number' | 'template' | 'business';
  readonly entityId: string;
  readonly wabaId: string;
  readonly label: string;
  readonly severity: Exclude<Severity, 'INFO'>;
  readonly reasons: readonly string[];
  readonly since: string;
  readonly resumesAt?: string;
}

export interface HistoryEntry {
  readonly eventId: string;
  readonly eventTime: string;
  readonly kind: string;
  readonly source: 'webhook' | 'poll' | 'aws-eum';
  readonly field: string;
  readonly outcome: string;
  readonly transitions: readonly { attribute: string; from: unknown; to: unknown }[];
  readonly raw: unknown;
}

/** The URL path segment of each kind (`/v1/{collection}` and `#/{collection}/{id}`). */
export const COLLECTION_OF = {
  'phone-number': 'phone-numbers',
  template: 'templates',
  business: 'businesses',
} as const;

export type EntityKind = keyof typeof COLLECTION_OF;

/** Where the console shows an entity: businesses have no page of their own, they are on the portfolio page. */
export function entityHref(kind: EntityKind, id: string): string {
  return kind === 'business' ? `#/portfolio` : `#/${COLLECTION_OF[kind]}/${encodeURIComponent(id)}`;
}
