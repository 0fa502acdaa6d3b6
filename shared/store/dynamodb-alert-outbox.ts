import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StoredAlert } from '../alerts/alert.ts';
import type { AlertOutbox, OwedAlerts } from './alert-outbox.ts';
import { conditionHeld } from './conditional-write.ts';
import { queryAll } from './query-all.ts';
import {
  EVENT_SK,
  type EventItem,
  eventPk,
  GSI1,
  HELD_ALERTS_INDEX_PK,
  OWED_ALERTS_INDEX_PK,
} from './table-items.ts';

/**
 * The alert outbox on the event markers of the table: `pendingAlerts` (a map by alert id, so one alert is struck
 * off with one `REMOVE`), `alertsClaimedAt` (the claim) and the sparse `owed-alerts` / `held-alerts` listing.
 * Every operation is one conditional request, which is what makes the claim exclusive.
 */
export class DynamoDbAlertOutbox implements AlertOutbox {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async owedBy(eventId: string): Promise<OwedAlerts | undefined> {
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

  async claim(
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

  async strikeOff(eventId: string, alertId: string): Promise<void> {
    await conditionHeld(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: eventPk(eventId), sk: EVENT_SK },
          UpdateExpression: 'REMOVE pendingAlerts.#alert',
          // Only on a marker that still has an outbox: a REMOVE on a path under a missing map fails validation,
          // and an unconditional update would create a bare marker for an unknown id.
          ConditionExpression: 'attribute_exists(pendingAlerts)',
          ExpressionAttributeNames: { '#alert': alertId },
        }),
      ),
    );
  }

  async finish(eventId: string): Promise<void> {
    await conditionHeld(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: eventPk(eventId), sk: EVENT_SK },
          UpdateExpression:
            'REMOVE pendingAlerts, alertsClaimedAt, gsi1pk, gsi1sk SET alertsPublishedAt = :now',
          // Only on a marker that exists: an unknown (or expired) event id would otherwise get a bare marker
          // that later reads as "already processed". No marker means nothing is owed: done.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':now': new Date().toISOString() },
        }),
      ),
    );
  }

  async release(eventId: string, claimedAt: number): Promise<void> {
    await conditionHeld(
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: eventPk(eventId), sk: EVENT_SK },
          UpdateExpression: 'REMOVE alertsClaimedAt',
          ConditionExpression: 'alertsClaimedAt = :mine',
          ExpressionAttributeValues: { ':mine': claimedAt },
        }),
      ),
    );
  }

  async eventsOwing(processedBefore: string, limit: number): Promise<string[]> {
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
    return Items.map((item) => eventIdOfPk(item.pk));
  }

  async eventsHolding(windowEndedBefore: string, limit: number): Promise<string[]> {
    const items = await queryAll(
      this.doc,
      {
        TableName: this.tableName,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :held AND gsi1sk < :before',
        ExpressionAttributeValues: { ':held': HELD_ALERTS_INDEX_PK, ':before': windowEndedBefore },
        ProjectionExpression: 'pk',
      },
      limit,
    );
    return items.map((item) => eventIdOfPk(item.pk));
  }
}

const eventIdOfPk = (pk: unknown) => String(pk).slice(eventPk('').length);
