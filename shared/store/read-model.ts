import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { EntityKind, EntityRef } from '../events/quality-event.ts';
import type { EntityState } from '../state/entity-state.ts';
import {
  ALERT_INDEX_PK,
  type AlertItem,
  DIGEST_INDEX_PK,
  type DigestItem,
  entityPk,
  GSI1,
  HISTORY_PREFIX,
  type HistoryItem,
  historySk,
  INCIDENT_INDEX_PK,
  INCIDENT_PREFIX,
  type IncidentItem,
  STATE_SK,
  type StateItem,
} from './table-items.ts';

export interface PageRequest {
  readonly limit: number;
  readonly nextToken?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextToken?: string;
}

/** Alerts matching every given attribute exactly. */
export interface AlertFilter {
  readonly severity?: string;
  readonly kind?: string;
  readonly wabaId?: string;
  readonly entityId?: string;
}

/** A time range of history, epoch ms, both ends included. */
export interface TimeRange {
  readonly from?: number;
  readonly to?: number;
}

/** A filtered alert listing reads at most this many pages of the index per request, then hands out a token. */
const MAX_FILTERED_ALERT_READS = 20;

/** A `nextToken` that this API did not hand out. */
export class InvalidPageTokenError extends Error {
  override readonly name = 'InvalidPageTokenError';
}

/** The read side of the table, for the read API: listings by kind, alerts newest first, history newest first. */
export class ReadModel {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private async queryStates(kind: EntityKind, page: PageRequest): Promise<Page<EntityState>> {
    const result = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :kind',
        ExpressionAttributeValues: { ':kind': kind },
        Limit: page.limit,
        ExclusiveStartKey: decodePageToken(page.nextToken, { gsi1pk: kind }, INDEX_KEY),
      }),
    );
    return pageOf((result.Items ?? []) as StateItem[], result.LastEvaluatedKey, (item) => item.state);
  }

  async listStates(kind: EntityKind, page: PageRequest): Promise<Page<EntityState>> {
    return this.queryStates(kind, page);
  }

  /** Every state of one kind (the read API filters and sorts them for the console and scripts). */
  async allStates(kind: EntityKind): Promise<EntityState[]> {
    const states: EntityState[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.queryStates(kind, { limit: 1000, ...(nextToken ? { nextToken } : {}) });
      states.push(...page.items);
      nextToken = page.nextToken;
    } while (nextToken);
    return states;
  }

  async getState(entity: EntityRef): Promise<EntityState | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: entityPk(entity), sk: STATE_SK } }),
    );
    return (Item as StateItem | undefined)?.state;
  }

  /**
   * Alerts newest first. With a filter, DynamoDB filters after `Limit` is applied, so pages are read until
   * `limit` alerts matched (each read asks for no more than the alerts still wanted, so none is skipped).
   */
  async listAlerts(page: PageRequest, filter: AlertFilter = {}): Promise<Page<AlertItem>> {
    const conditions = Object.entries(filter).filter(([, value]) => value !== undefined && value !== '');
    const names = Object.fromEntries(conditions.map(([name], i) => [`#f${i}`, name]));
    const values = Object.fromEntries(conditions.map(([, value], i) => [`:f${i}`, value]));
    const filterExpression = conditions.map((_, i) => `#f${i} = :f${i}`).join(' AND ');
    const items: AlertItem[] = [];
    let startKey = decodePageToken(page.nextToken, { gsi1pk: ALERT_INDEX_PK }, INDEX_KEY);
    for (let reads = 0; reads < MAX_FILTERED_ALERT_READS; reads++) {
      const result = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: GSI1,
          KeyConditionExpression: 'gsi1pk = :alert',
          ExpressionAttributeValues: { ':alert': ALERT_INDEX_PK, ...values },
          ...(conditions.length > 0
            ? { FilterExpression: filterExpression, ExpressionAttributeNames: names }
            : {}),
          ScanIndexForward: false,
          Limit: page.limit - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...((result.Items ?? []) as AlertItem[]));
      startKey = result.LastEvaluatedKey as Record<string, string> | undefined;
      if (items.length >= page.limit || startKey === undefined) break;
    }
    return pageOf(items, startKey, (item) => item);
  }

  /**
   * Open or resolved incidents, the most recently opened first, optionally of one WABA and one (worst)
   * severity; filtered pages are read like alerts' (`listAlerts`).
   */
  async listIncidents(
    state: keyof typeof INCIDENT_INDEX_PK,
    page: PageRequest,
    filter: { readonly wabaId?: string; readonly severity?: string } = {},
  ): Promise<Page<IncidentItem>> {
    const partition = INCIDENT_INDEX_PK[state];
    const conditions = Object.entries(filter).filter(([, value]) => value !== undefined && value !== '');
    const names = Object.fromEntries(conditions.map(([name], i) => [`#f${i}`, name]));
    const values = Object.fromEntries(conditions.map(([, value], i) => [`:f${i}`, value]));
    const items: IncidentItem[] = [];
    let startKey = decodePageToken(page.nextToken, { gsi1pk: partition }, INDEX_KEY);
    for (let reads = 0; reads < MAX_FILTERED_ALERT_READS; reads++) {
      const result = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: GSI1,
          KeyConditionExpression: 'gsi1pk = :partition',
          ExpressionAttributeValues: { ':partition': partition, ...values },
          ...(conditions.length > 0
            ? {
                FilterExpression: conditions.map((_, i) => `#f${i} = :f${i}`).join(' AND '),
                ExpressionAttributeNames: names,
              }
            : {}),
          ScanIndexForward: false,
          Limit: page.limit - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...((result.Items ?? []) as IncidentItem[]));
      startKey = result.LastEvaluatedKey as Record<string, string> | undefined;
      if (items.length >= page.limit || startKey === undefined) break;
    }
    return pageOf(items, startKey, (item) => item);
  }

  /** One entity's incidents, the most recently opened first. */
  async entityIncidents(entity: EntityRef, page: PageRequest): Promise<Page<IncidentItem>> {
    const result = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': entityPk(entity), ':prefix': INCIDENT_PREFIX },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: decodePageToken(page.nextToken, { pk: entityPk(entity) }, TABLE_KEY),
      }),
    );
    return pageOf((result.Items ?? []) as IncidentItem[], result.LastEvaluatedKey, (item) => item);
  }

  /** Digests sent for bulk changes, newest first, each with every entity and alert it stands for. */
  async listDigests(page: PageRequest): Promise<Page<DigestItem>> {
    const result = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :digest',
        ExpressionAttributeValues: { ':digest': DIGEST_INDEX_PK },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: decodePageToken(page.nextToken, { gsi1pk: DIGEST_INDEX_PK }, INDEX_KEY),
      }),
    );
    return pageOf((result.Items ?? []) as DigestItem[], result.LastEvaluatedKey, (item) => item);
  }

  async history(entity: EntityRef, page: PageRequest, range: TimeRange = {}): Promise<Page<HistoryItem>> {
    // History sort keys start with the zero-padded event time, so a time range is a key range.
    const from = range.from === undefined ? HISTORY_PREFIX : historySk({ eventTime: range.from, id: '' });
    const to = range.to === undefined ? `${HISTORY_PREFIX}~` : historySk({ eventTime: range.to, id: '~' });
    const result = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': entityPk(entity), ':from': from, ':to': to },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: decodePageToken(page.nextToken, { pk: entityPk(entity) }, TABLE_KEY),
      }),
    );
    return pageOf((result.Items ?? []) as HistoryItem[], result.LastEvaluatedKey, (item) => item);
  }

  async exists(entity: EntityRef): Promise<boolean> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: entityPk(entity), sk: STATE_SK },
        ProjectionExpression: 'pk',
      }),
    );
    return Item !== undefined;
  }
}

function pageOf<I, T>(
  items: I[],
  lastKey: Record<string, unknown> | undefined,
  map: (item: I) => T,
): Page<T> {
  return { items: items.map(map), ...(lastKey ? { nextToken: encodePageToken(lastKey) } : {}) };
}

export function encodePageToken(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The attributes of a start key: the table's key, plus the index's key on an index query. */
export const TABLE_KEY = ['pk', 'sk'] as const;
export const INDEX_KEY = ['pk', 'sk', 'gsi1pk', 'gsi1sk'] as const;

/**
 * Only keys made of exactly the query's key attributes, all strings, in the partition being queried, are
 * accepted: a forged token (one without its sort keys, say), or one from another route, gets a 400 instead of
 * reaching DynamoDB (which answers those with errors that are not all validation errors).
 */
export function decodePageToken(
  token: string | undefined,
  partition: Readonly<Record<string, string>>,
  keyAttributes: readonly string[] = INDEX_KEY,
): Record<string, string> | undefined {
  if (token === undefined) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidPageTokenError('nextToken is not one this API handed out');
  }
  if (
    key === null ||
    typeof key !== 'object' ||
    Array.isArray(key) ||
    Object.keys(key).length !== keyAttributes.length ||
    keyAttributes.some((name) => typeof (key as Record<string, unknown>)[name] !== 'string')
  ) {
    throw new InvalidPageTokenError('nextToken is not one this API handed out');
  }
  const record = key as Record<string, string>;
  if (Object.entries(partition).some(([name, value]) => record[name] !== value)) {
    throw new InvalidPageTokenError('nextToken belongs to another list');
  }
  return record;
}
