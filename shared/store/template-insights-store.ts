import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TemplateInsightDay } from '../graph-records/template-insights.ts';
import { queryAll } from './query-all.ts';

/**
 * Template insights in the single table (README, "Data model"): one item per template and UTC day,
 * `METRICS#template#{templateEntityId}` / `DAY#{yyyy-mm-dd}`, kept forever (Meta keeps 90 days).
 */
export const templateMetricsPk = (templateEntityId: string) => `METRICS#template#${templateEntityId}`;
export const dayKey = (day: string) => `DAY#${day}`;

/** One stored day of a template, as the read API gives it out. */
export interface StoredInsightDay {
  readonly day: string;
  readonly sent: number;
  readonly delivered: number;
  readonly read: number;
  readonly clicked: number;
  /** When the poller read these figures (epoch ms). */
  readonly readAt: number;
}

export interface InsightDayWrite {
  readonly templateEntityId: string;
  readonly day: TemplateInsightDay;
  readonly readAt: number;
}

export interface TemplateInsightsStore {
  /** Writes each day unless a later read of it is stored: `written` and `stale` (an older read, skipped). */
  putDays(writes: readonly InsightDayWrite[]): Promise<{ written: number; stale: number }>;
  templateDays(templateEntityId: string, fromDay: string, toDay: string): Promise<StoredInsightDay[]>;
}

const PARALLEL_WRITES = 16;

export class DynamoDbTemplateInsightsStore implements TemplateInsightsStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putDays(writes: readonly InsightDayWrite[]): Promise<{ written: number; stale: number }> {
    let written = 0;
    let stale = 0;
    let next = 0;
    const worker = async () => {
      while (next < writes.length) {
        const write = writes[next++] as InsightDayWrite;
        try {
          await this.doc.send(
            new PutCommand({
              TableName: this.tableName,
              Item: {
                pk: templateMetricsPk(write.templateEntityId),
                sk: dayKey(write.day.day),
                itemType: 'template-insights',
                entityId: write.templateEntityId,
                sent: write.day.sent,
                delivered: write.day.delivered,
                read: write.day.read,
                clicked: write.day.clicked,
                readAt: write.readAt,
              },
              // The last read wins, whatever order the messages arrive in; the same read again rewrites
              // the same figures.
              ConditionExpression: 'attribute_not_exists(pk) OR readAt <= :readAt',
              ExpressionAttributeValues: { ':readAt': write.readAt },
            }),
          );
          written += 1;
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
          stale += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_WRITES, writes.length) }, worker));
    return { written, stale };
  }

  async templateDays(templateEntityId: string, fromDay: string, toDay: string): Promise<StoredInsightDay[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
      ExpressionAttributeValues: {
        ':pk': templateMetricsPk(templateEntityId),
        ':low': dayKey(fromDay),
        ':high': dayKey(toDay),
      },
    });
    return items.map((item) => ({
      day: String(item.sk).slice('DAY#'.length),
      sent: Number(item.sent ?? 0),
      delivered: Number(item.delivered ?? 0),
      read: Number(item.read ?? 0),
      clicked: Number(item.clicked ?? 0),
      readAt: Number(item.readAt ?? 0),
    }));
  }
}

/** The same contract in memory: unit tests and the bench. */
export class InMemoryTemplateInsightsStore implements TemplateInsightsStore {
  readonly items = new Map<string, Map<string, StoredInsightDay>>();

  async putDays(writes: readonly InsightDayWrite[]): Promise<{ written: number; stale: number }> {
    let written = 0;
    let stale = 0;
    for (const { templateEntityId, day, readAt } of writes) {
      const days = this.items.get(templateEntityId) ?? new Map<string, StoredInsightDay>();
      this.items.set(templateEntityId, days);
      const stored = days.get(day.day);
      if (stored && stored.readAt > readAt) {
        stale += 1;
        continue;
      }
      const { templateId: _id, ...figures } = day;
      days.set(day.day, { ...figures, readAt });
      written += 1;
    }
    return { written, stale };
  }

  async templateDays(templateEntityId: string, fromDay: string, toDay: string): Promise<StoredInsightDay[]> {
    return [...(this.items.get(templateEntityId)?.values() ?? [])]
      .filter((d) => d.day >= fromDay && d.day <= toDay)
      .sort((a, b) => a.day.localeCompare(b.day));
  }
}
