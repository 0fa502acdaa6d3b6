import { type DynamoDBDocumentClient, GetCommand, paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PollRecord, WabaPollState, WabaRegistry } from './waba-registry.ts';

const PARALLEL_WRITES = 16;
/** Spelled through a name placeholder, safe from DynamoDB's reserved words. */
const ACTIVE = { '#active': 'active' };

/**
 * The registry in its own DynamoDB table (partition key `wabaId`), apart from the quality table whose only
 * writer is the processor. Writes are UpdateItem on the attributes each side owns: the planner `active`,
 * `firstSeenAt` and `removedAt`; a worker the poll and budget attributes of its WABA.
 */
export class DynamoDbWabaRegistry implements WabaRegistry {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async list(): Promise<WabaPollState[]> {
    const items: WabaPollState[] = [];
    for await (const page of paginateScan({ client: this.doc }, { TableName: this.tableName })) {
      items.push(...((page.Items ?? []) as WabaPollState[]));
    }
    return items;
  }

  async get(wabaId: string): Promise<WabaPollState | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: { wabaId }, ConsistentRead: true }),
    );
    return Item as WabaPollState | undefined;
  }

  async markActive(wabaIds: readonly string[], at: number): Promise<void> {
    await inParallel(wabaIds, (wabaId) =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { wabaId },
          UpdateExpression:
            'SET #active = :true, firstSeenAt = if_not_exists(firstSeenAt, :at) REMOVE removedAt',
          ExpressionAttributeNames: ACTIVE,
          ExpressionAttributeValues: { ':true': true, ':at': at },
        }),
      ),
    );
  }

  async markRemoved(wabaIds: readonly string[], at: number): Promise<void> {
    await inParallel(wabaIds, (wabaId) =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { wabaId },
          UpdateExpression: 'SET #active = :false, removedAt = :at',
          ExpressionAttributeNames: ACTIVE,
          ExpressionAttributeValues: { ':false': false, ':at': at },
        }),
      ),
    );
  }

  async recordPoll(wabaId: string, record: PollRecord): Promise<void> {
    const values: Record<string, unknown> = {
      ':at': record.at,
      ':status': record.status,
      ':start': record.budgetWindowStart,
      ':calls': record.budgetCalls,
      ':last': record.lastCalls,
      ':true': true,
    };
    const set = [
      'lastPolledAt = :at',
      'lastStatus = :status',
      'budgetWindowStart = :start',
      'budgetCalls = :calls',
      'lastCalls = :last',
      // A job for a WABA the planner has not recorded (e.g. a test message): it exists from now on.
      'firstSeenAt = if_not_exists(firstSeenAt, :at)',
      '#active = if_not_exists(#active, :true)',
    ];
    if (record.succeeded) set.push('lastSucceededAt = :at');
    if (record.fullPoll) set.push('lastFullPollAt = :at');
    if (record.recordFingerprints) {
      values[':fingerprints'] = [...record.recordFingerprints];
      set.push('recordFingerprints = :fingerprints');
    }
    const remove: string[] = [];
    if (record.insightsReadAt !== undefined) {
      values[':insightsReadAt'] = record.insightsReadAt;
      set.push('insightsReadAt = :insightsReadAt');
      remove.push('insightsUnavailableAt', 'insightsUnavailableReason');
    } else if (record.insightsUnavailable) {
      values[':unavailableAt'] = record.insightsUnavailable.at;
      values[':unavailableReason'] = record.insightsUnavailable.reason;
      set.push('insightsUnavailableAt = :unavailableAt', 'insightsUnavailableReason = :unavailableReason');
    }
    if (record.deferredUntil !== undefined) {
      values[':until'] = record.deferredUntil;
      set.push('deferredUntil = :until');
    } else remove.push('deferredUntil');
    const update = `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { wabaId },
        UpdateExpression: update,
        ExpressionAttributeNames: ACTIVE,
        ExpressionAttributeValues: values,
      }),
    );
  }
}

async function inParallel<T>(items: readonly T[], write: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await write(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_WRITES, items.length) }, worker));
}
