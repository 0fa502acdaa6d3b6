import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { EntityRef } from '../events/quality-event.ts';
import type { IncidentLedger } from '../incidents/incident-ledger.ts';
import type { EntityState } from '../state/entity-state.ts';
import {
  type AlertItem,
  DIGEST_SK,
  type DigestItem,
  digestPk,
  EVENT_SK,
  type EventItem,
  entityPk,
  eventPk,
  FLAP_SK,
  FLAPPING_INDEX_PK,
  type FlapItem,
  GSI1,
  HELD_ALERTS_INDEX_PK,
  type HistoryItem,
  INCIDENT_INDEX_PK,
  type IncidentItem,
  OWED_ALERTS_INDEX_PK,
  STATE_SK,
  type StateItem,
  type StoredAlert,
} from './table-items.ts';

export interface StoredState {
  readonly state: EntityState;
  readonly revision: number;
  readonly incidents?: IncidentLedger;
}

/** Everything one event writes, committed atomically in one TransactWriteItems call. */
export interface EventCommit {
  readonly event: EventItem;
  readonly history: HistoryItem;
  /** Absent for a late event: it is recorded, the state does not change. */
  readonly state?: { readonly item: StateItem; readonly expectedRevision: number | undefined };
  readonly alerts: readonly AlertItem[];
  /**
   * Incidents the event opened, changed or resolved, and those it made disappear (a late event that moved an
   * opening): derived from the ledger on the state item, whose revision condition guards them too.
   */
  readonly incidents?: {
    readonly put: readonly IncidentItem[];
    readonly delete: readonly { readonly pk: string; readonly sk: string }[];
  };
  /** Concerns that started flapping with this event. */
  readonly flaps?: readonly FlapItem[];
}

export type CommitResult = 'committed' | 'stale-state' | 'already-processed';

export interface PendingAlerts {
  readonly alerts: readonly StoredAlert[];
  /** Epoch ms of the claim on them, if any. */
  readonly claimedAt?: number;
  /** Still listed for the sweep (owed or held), even if every alert was struck off one by one. */
  readonly listed?: boolean;
}

/** The processor's access to the table: the one writer of state. */
export class StateStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async read(entity: EntityRef): Promise<StoredState | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: entityPk(entity), sk: STATE_SK },
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const item = Item as StateItem;
    return {
      state: item.state,
      revision: item.revision,
      ...(item.incidents ? { incidents: item.incidents } : {}),
    };
  }

  /**
   * One round trip: the event marker (fails if this event was processed before), its history item, the new
   * state (fails if someone else wrote the entity since we read it) and the alerts, all or nothing.
   */
  async commit(commit: EventCommit): Promise<CommitResult> {
    const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [
      {
        Put: {
          TableName: this.tableName,
          Item: commit.event,
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      { Put: { TableName: this.tableName, Item: commit.history } },
    ];
    if (commit.state) {
      const { item, expectedRevision } = commit.state;
      items.push({
        Put: {
          TableName: this.tableName,
          Item: item,
          ...(expectedRevision === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'revision = :expected',
                ExpressionAttributeValues: { ':expected': expectedRevision },
              }),
        },
      });
    }
    for (const alert of commit.alerts) items.push({ Put: { TableName: this.tableName, Item: alert } });
    for (const incident of commit.incidents?.put ?? [])
      items.push({ Put: { TableName: this.tableName, Item: incident } });
    for (const key of commit.incidents?.delete ?? [])
      items.push({ Delete: { TableName: this.tableName, Key: key } });
    for (const flap of commit.flaps ?? []) items.push({ Put: { TableName: this.tableName, Item: flap } });
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return 'committed';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'already-processed';
      if (reasons[2]?.Code === 'ConditionalCheckFailed') return 'stale-state';
      // A concurrent transaction on the same items: nothing was written; read again and re-apply.
      if (reasons.some((reason) => reason.Code === 'TransactionConflict')) return 'stale-state';
      throw error;
    }
  }

  /** What an already-processed event still owes: its unpublished alerts and when they were claimed. */
  async pendingAlerts(eventId: string): Promise<PendingAlerts | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: eventPk(eventId), sk: EVENT_SK },
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    const item = Item as EventItem;
    return {
      alerts: Object.values(item.pendingAlerts ?? {}),
      claimedAt: item.alertsClaimedAt,
      listed: item.gsi1pk !== undefined,
    };
  }

  /**
   * Takes over the pending alerts of an event whose claim is older than `staleBefore` (its processor died or
   * gave up). Conditional, so of two processors trying at once only one wins; undefined for the loser.
   */
  async claimPendingAlerts(
    eventId: string,
    now: number,
    staleBefore: number,
  ): Promise<readonly StoredAlert[] | undefined> {
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: eventPk(eventId), sk: EVENT_SK },
          UpdateExpression: 'SET alertsClaimedAt = :now',
          ConditionExpression:
            'attribute_exists(pendingAlerts) AND (attribute_not_exists(alertsClaimedAt) OR alertsClaimedAt < :stale)',
          ExpressionAttributeValues: { ':now': now, ':stale': staleBefore },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Object.values((Attributes as EventItem | undefined)?.pendingAlerts ?? {});
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /**
   * Gives the claim back after a failed publish, so that a retry may publish at once; only if the claim is
   * still the caller's. A processor whose claim went stale and was taken over must not end the new holder's claim:
   * a third processor would then publish the same alerts alongside it.
   */
  async releaseAlertsClaim(eventId: string, claimedAt: number): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: eventPk(eventId), sk: EVENT_SK },
          UpdateExpression: 'REMOVE alertsClaimedAt',
          ConditionExpression: 'alertsClaimedAt = :mine',
          ExpressionAttributeValues: { ':mine': claimedAt },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /**
   * Events that still owe alerts and were processed before `processedBefore` (ISO-8601), oldest first: what the
   * owed-alerts sweep publishes once their message has left the queue.
   */
  async owedAlerts(processedBefore: string, limit: number): Promise<string[]> {
    const { Items = [] } = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :owed AND gsi1sk < :before',
        ExpressionAttributeValues: { ':owed': OWED_ALERTS_INDEX_PK, ':before': processedBefore },
        ProjectionExpression: 'pk',
        Limit: limit,
      }),
    );
    return Items.map((item) => String(item.pk).slice('EVENT#'.length));
  }

  /**
   * Events holding alerts whose digest window ended before `windowEndedBefore` (ISO-8601), oldest window first,
   * every page up to `limit` events: what the sweep flushes, alone or as digests.
   */
  async heldAlerts(windowEndedBefore: string, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: GSI1,
          KeyConditionExpression: 'gsi1pk = :held AND gsi1sk < :before',
          ExpressionAttributeValues: { ':held': HELD_ALERTS_INDEX_PK, ':before': windowEndedBefore },
          ProjectionExpression: 'pk',
          Limit: Math.min(1000, limit - ids.length),
          ExclusiveStartKey: startKey,
        }),
      );
      ids.push(...(result.Items ?? []).map((item) => String(item.pk).slice('EVENT#'.length)));
      startKey = result.LastEvaluatedKey;
    } while (startKey && ids.length < limit);
    return ids;
  }

  async digest(digestId: string): Promise<DigestItem | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: digestPk(digestId), sk: DIGEST_SK },
        ConsistentRead: true,
      }),
    );
    return Item as DigestItem | undefined;
  }

  /** Records a digest and the alerts it stands for, unless one exists already; the one that counts. */
  async createDigest(item: DigestItem): Promise<DigestItem> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return item;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.digest(item.id);
      if (!existing) throw error;
      return existing;
    }
  }

  /** Takes the right to publish a digest (not yet published, no fresh claim); false when another holds it. */
  async claimDigest(digestId: string, now: number, staleBefore: number): Promise<boolean> {
    return conditionHeld(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: digestPk(digestId), sk: DIGEST_SK },
          UpdateExpression: 'SET claimedAt = :now',
          ConditionExpression:
            'attribute_not_exists(publishedAt) AND (attribute_not_exists(claimedAt) OR claimedAt < :stale)',
          ExpressionAttributeValues: { ':now': now, ':stale': staleBefore },
        }),
      ),
    );
  }

  async digestPublished(digestId: string, publishedAt: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: digestPk(digestId), sk: DIGEST_SK },
        UpdateExpression: 'SET publishedAt = :at REMOVE claimedAt',
        ExpressionAttributeValues: { ':at': publishedAt },
      }),
    );
  }

  /** Flapping concerns due for a check before `before` (ISO-8601). */
  async flapsDue(before: string, limit: number): Promise<FlapItem[]> {
    const { Items = [] } = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :flapping AND gsi1sk < :before',
        ExpressionAttributeValues: { ':flapping': FLAPPING_INDEX_PK, ':before': before },
        Limit: limit,
      }),
    );
    return Items as FlapItem[];
  }

  /** Still flapping: look again at `checkAt` (ISO-8601). */
  async postponeFlapCheck(pk: string, checkAt: string): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk, sk: FLAP_SK },
          UpdateExpression: 'SET gsi1sk = :at',
          ConditionExpression: 'attribute_exists(gsi1pk)',
          ExpressionAttributeValues: { ':at': `${checkAt}#${pk}` },
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      });
  }

  /** Takes the right to send a settled flap's summary; false when another sweep holds a fresh claim or sent it. */
  async claimFlapSummary(pk: string, now: number, staleBefore: number): Promise<boolean> {
    return conditionHeld(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk, sk: FLAP_SK },
          UpdateExpression: 'SET claimedAt = :now',
          ConditionExpression:
            'attribute_exists(gsi1pk) AND (attribute_not_exists(claimedAt) OR claimedAt < :stale)',
          ExpressionAttributeValues: { ':now': now, ':stale': staleBefore },
        }),
      ),
    );
  }

  /** The summary is out: the concern leaves the flapping listing. */
  async flapSummarized(pk: string, at: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk, sk: FLAP_SK },
        UpdateExpression: 'SET summarizedAt = :at REMOVE gsi1pk, gsi1sk, claimedAt',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  /** Open incidents, the oldest first (what reminders go through). */
  async openIncidents(limit: number): Promise<IncidentItem[]> {
    const items: IncidentItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const result = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: GSI1,
          KeyConditionExpression: 'gsi1pk = :open',
          ExpressionAttributeValues: { ':open': INCIDENT_INDEX_PK.open },
          Limit: Math.min(1000, limit - items.length),
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...((result.Items ?? []) as IncidentItem[]));
      startKey = result.LastEvaluatedKey;
    } while (startKey && items.length < limit);
    return items;
  }

  /**
   * Takes the right to send reminder number `ordinal` of an incident: once per ordinal, unless the sweep that
   * took it died before it was out (its claim is then older than `staleBefore`).
   */
  async claimReminder(
    incidentId: string,
    ordinal: number,
    now: number,
    staleBefore: number,
  ): Promise<boolean> {
    return conditionHeld(
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: `REMINDER#${incidentId}#${ordinal}`,
            sk: 'REMINDER',
            itemType: 'reminder',
            claimedAt: now,
          },
          ConditionExpression:
            'attribute_not_exists(pk) OR (attribute_not_exists(publishedAt) AND claimedAt < :stale)',
          ExpressionAttributeValues: { ':stale': staleBefore },
        }),
      ),
    );
  }

  async reminderPublished(incidentId: string, ordinal: number, publishedAt: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: `REMINDER#${incidentId}#${ordinal}`, sk: 'REMINDER' },
        UpdateExpression: 'SET publishedAt = :at',
        ExpressionAttributeValues: { ':at': publishedAt },
      }),
    );
  }

  /** One alert is out: it is no longer owed, whatever happens to the others. */
  async alertPublished(eventId: string, alertId: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: eventPk(eventId), sk: EVENT_SK },
        UpdateExpression: 'REMOVE pendingAlerts.#alert',
        ExpressionAttributeNames: { '#alert': alertId },
      }),
    );
  }

  /** The last alert is out: nothing is owed any more, and the claim ends. */
  async markAlertsPublished(eventId: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: eventPk(eventId), sk: EVENT_SK },
        UpdateExpression:
          'REMOVE pendingAlerts, alertsClaimedAt, gsi1pk, gsi1sk SET alertsPublishedAt = :now',
        ExpressionAttributeValues: { ':now': new Date().toISOString() },
      }),
    );
  }
}

/** True when a conditional write went through; false when its condition did not hold (another holds the claim). */
async function conditionHeld(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
