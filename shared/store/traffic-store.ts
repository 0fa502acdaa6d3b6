import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { type CounterKey, type CustomerLedger, splitCounterKey } from '../traffic/customer-ledger.ts';

/**
 * Traffic items of the single table (README, "Data model"):
 *
 * | item    | pk                                  | sk                                 |
 * |---------|-------------------------------------|------------------------------------|
 * | ledger  | LEDGER#{phoneEntityId}#{customer}   | LEDGER (expires: `expiresAt`)      |
 * | metrics | METRICS#phone-number#{phoneEntityId}| HOUR#{yyyy-mm-ddThh} / DAY#{yyyy-mm-dd} |
 *
 * A ledger holds pseudonyms and times only and expires 8 days after its latest event; metrics are kept forever.
 */
export const LEDGER_SK = 'LEDGER';
export const ledgerPk = (phone: string, customer: string) => `LEDGER#${phone}#${customer}`;
export const phoneMetricsPk = (phone: string) => `METRICS#phone-number#${phone}`;

export interface LedgerKey {
  readonly phone: string;
  readonly customer: string;
}

export interface StoredLedger {
  readonly ledger: CustomerLedger;
  readonly revision: number;
}

export interface LedgerWrite {
  readonly key: LedgerKey;
  readonly ledger: CustomerLedger;
  /** The revision read; undefined when the ledger did not exist. */
  readonly expectedRevision: number | undefined;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

/** What one atomic commit writes: ledgers, and the counter deltas they cause, per phone number. */
export interface TrafficCommit {
  readonly ledgers: readonly LedgerWrite[];
  readonly counters: ReadonlyMap<string, ReadonlyMap<CounterKey, number>>;
}

/** `conflict`: a ledger changed since it was read, or another writer held an item: read again and retry. */
export type TrafficCommitResult = 'committed' | 'conflict';

export interface TrafficStore {
  readLedgers(keys: readonly LedgerKey[]): Promise<Map<string, StoredLedger>>;
  commit(commit: TrafficCommit): Promise<TrafficCommitResult>;
}

export const ledgerId = (key: LedgerKey) => `${key.phone}#${key.customer}`;

const PARALLEL_READS = 16;

/** DynamoDB allows 100 actions per TransactWriteItems. */
export const MAX_TRANSACTION_ITEMS = 100;

interface LedgerItem {
  readonly pk: string;
  readonly sk: typeof LEDGER_SK;
  readonly itemType: 'traffic-ledger';
  readonly revision: number;
  /** JSON text: pseudonyms are arbitrary map keys, and a map would cost a marshalling pass per key. */
  readonly ledger: string;
  readonly expiresAt: number;
}

export class DynamoDbTrafficStore implements TrafficStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * GetItem per ledger, a few at a time (strongly consistent: the revision read is the one the commit checks).
   * GetItem rather than BatchGetItem keeps the processor's permissions to the calls it already makes.
   */
  async readLedgers(keys: readonly LedgerKey[]): Promise<Map<string, StoredLedger>> {
    const found = new Map<string, StoredLedger>();
    let next = 0;
    const worker = async () => {
      while (next < keys.length) {
        const key = keys[next++] as LedgerKey;
        const { Item } = await this.doc.send(
          new GetCommand({
            TableName: this.tableName,
            Key: { pk: ledgerPk(key.phone, key.customer), sk: LEDGER_SK },
            ConsistentRead: true,
          }),
        );
        if (!Item) continue;
        const item = Item as LedgerItem;
        found.set(ledgerId(key), {
          ledger: JSON.parse(item.ledger) as CustomerLedger,
          revision: item.revision,
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, keys.length) }, worker));
    return found;
  }

  async commit(commit: TrafficCommit): Promise<TrafficCommitResult> {
    const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [];
    for (const write of commit.ledgers) {
      const item: LedgerItem = {
        pk: ledgerPk(write.key.phone, write.key.customer),
        sk: LEDGER_SK,
        itemType: 'traffic-ledger',
        revision: (write.expectedRevision ?? 0) + 1,
        ledger: JSON.stringify(write.ledger),
        expiresAt: write.expiresAt,
      };
      items.push({
        Put: {
          TableName: this.tableName,
          Item: item,
          ...(write.expectedRevision === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'revision = :revision',
                ExpressionAttributeValues: { ':revision': write.expectedRevision },
              }),
        },
      });
    }
    for (const [phone, counters] of commit.counters) {
      for (const [bucket, adds] of byBucket(counters)) {
        const names: Record<string, string> = { '#itemType': 'itemType', '#entityId': 'entityId' };
        const values: Record<string, unknown> = { ':itemType': 'traffic-metrics', ':entityId': phone };
        const terms = [...adds].map(([counter, value], index) => {
          names[`#c${index}`] = counter;
          values[`:c${index}`] = value;
          return `#c${index} :c${index}`;
        });
        items.push({
          Update: {
            TableName: this.tableName,
            Key: { pk: phoneMetricsPk(phone), sk: bucket },
            UpdateExpression: `SET #itemType = :itemType, #entityId = :entityId ADD ${terms.join(', ')}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        });
      }
    }
    if (items.length === 0) return 'committed';
    if (items.length > MAX_TRANSACTION_ITEMS)
      throw new Error(
        `a traffic commit of ${items.length} items exceeds DynamoDB's ${MAX_TRANSACTION_ITEMS}`,
      );
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return 'committed';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code);
      if (codes.some((code) => code === 'ConditionalCheckFailed' || code === 'TransactionConflict'))
        return 'conflict';
      throw error;
    }
  }
}

function byBucket(counters: ReadonlyMap<CounterKey, number>): Map<string, Map<string, number>> {
  const buckets = new Map<string, Map<string, number>>();
  for (const [key, value] of counters) {
    const { bucket, counter } = splitCounterKey(key);
    const adds = buckets.get(bucket) ?? new Map<string, number>();
    buckets.set(bucket, adds);
    adds.set(counter, value);
  }
  return buckets;
}

/** Counter items one commit touches: one per phone number and bucket. */
export function counterItemCount(counters: ReadonlyMap<string, ReadonlyMap<CounterKey, number>>): number {
  let count = 0;
  for (const phoneCounters of counters.values()) count += byBucket(phoneCounters).size;
  return count;
}
