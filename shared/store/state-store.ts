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
import { type CommitItemRole, cancelledCommitOf } from './commit-outcome.ts';
import { conditionHeld } from './conditional-write.ts';
import { queryAll } from './query-all.ts';
import {
  type AlertItem,
  DIGEST_SK,
  type DigestItem,
  digestPk,
  type EventItem,
  entityPk,
  FLAP_SK,
  FLAPPING_INDEX_PK,
  type FlapItem,
  GSI1,
  type HistoryItem,
  INCIDENT_INDEX_PK,
  type IncidentItem,
  STATE_SK,
  type StateItem,
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

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

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
    // Each write is tagged with what it stands for: a cancellation is read by role, not by position.
    const writes: { role: CommitItemRole; item: TransactItem }[] = [
      {
        role: 'event-marker',
        item: {
          Put: {
            TableName: this.tableName,
            Item: commit.event,
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      },
      { role: 'history', item: { Put: { TableName: this.tableName, Item: commit.history } } },
    ];
    if (commit.state) {
      const { item, expectedRevision } = commit.state;
      writes.push({
        role: 'state',
        item: {
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
        },
      });
    }
    const put = (role: CommitItemRole, Item: NonNullable<TransactItem['Put']>['Item']) =>
      writes.push({ role, item: { Put: { TableName: this.tableName, Item } } });
    for (const alert of commit.alerts) put('alert', alert);
    for (const incident of commit.incidents?.put ?? []) put('incident', incident);
    for (const key of commit.incidents?.delete ?? [])
      writes.push({ role: 'incident-removal', item: { Delete: { TableName: this.tableName, Key: key } } });
    for (const flap of commit.flaps ?? []) put('flap', flap);
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: writes.map((write) => write.item) }));
      return 'committed';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const cancelled = cancelledCommitOf(
        writes.map((write) => write.role),
        error.CancellationReasons ?? [],
      );
      if (cancelled === 'unexplained') throw error;
      return cancelled;
    }
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
    return queryAll<IncidentItem>(
      this.doc,
      {
        TableName: this.tableName,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :open',
        ExpressionAttributeValues: { ':open': INCIDENT_INDEX_PK.open },
      },
      limit,
    );
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
}
