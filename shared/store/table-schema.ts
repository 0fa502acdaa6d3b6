/** The table's key schema, shared by the CDK stack and the local runtime so they cannot drift apart. */
export const TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Listings: entity states by kind, alerts by creation time. */
  gsi1: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /** DynamoDB TTL attribute (epoch seconds) of history, event and alert items when retention is set. */
  ttlAttribute: 'expiresAt',
} as const;
