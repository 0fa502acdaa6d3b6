import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

/**
 * The items a Query matches, page after page, until there are no more or `limit` are read (each page asks for
 * at most what is still wanted, and at most 1,000 when a limit is set).
 */
/** `T` is the item shape the caller's key condition selects (the table is schemaless: not checked here). */
export async function queryAll<T = Record<string, unknown>>(
  doc: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'Limit'>,
  limit = Number.POSITIVE_INFINITY,
): Promise<T[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const wanted = limit - items.length;
    const page = await doc.send(
      new QueryCommand({
        ...input,
        ...(Number.isFinite(wanted) ? { Limit: Math.min(1000, wanted) } : {}),
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey && items.length < limit);
  return items as T[];
}
