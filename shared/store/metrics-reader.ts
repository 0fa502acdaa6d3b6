import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CounterBucket } from '../traffic/phone-metrics.ts';
import { queryAll } from './query-all.ts';
import { phoneMetricsPk } from './traffic-store.ts';

/** Reads a phone number's traffic counters (hour and day items) over a time range. */
export class MetricsReader {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Every hour item from `from` to `to` (epoch ms, both included) and every day item of those days; `only` reads
   * just one of the two (the early warnings need hours or days, not both).
   */
  async phoneNumberBuckets(
    phoneEntityId: string,
    from: number,
    to: number,
    only?: 'hours' | 'days',
  ): Promise<CounterBucket[]> {
    const iso = (ms: number) => new Date(ms).toISOString();
    const [hours, days] = await Promise.all([
      only === 'days'
        ? []
        : this.between(phoneEntityId, `HOUR#${iso(from).slice(0, 13)}`, `HOUR#${iso(to).slice(0, 13)}`),
      only === 'hours'
        ? []
        : this.between(phoneEntityId, `DAY#${iso(from).slice(0, 10)}`, `DAY#${iso(to).slice(0, 10)}`),
    ]);
    return [...hours, ...days];
  }

  private async between(phone: string, low: string, high: string): Promise<CounterBucket[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
      ExpressionAttributeValues: { ':pk': phoneMetricsPk(phone), ':low': low, ':high': high },
    });
    return items.map(({ pk: _pk, sk, itemType: _type, entityId: _entity, ...counters }) => ({
      bucket: String(sk),
      counters: counters as Record<string, number>,
    }));
  }
}
