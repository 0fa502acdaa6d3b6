import { alertOutboxContract } from '../../support/alert-outbox-contract.ts';
import { InMemoryStateStore } from '../../support/in-memory-state-store.ts';

/* The outbox contract on the in-memory store the unit tests use; the same cases run on DynamoDB Local in
 * test/integration/alert-outbox.integration.test.ts. */

alertOutboxContract('in memory', async () => {
  const store = new InMemoryStateStore();
  return { store, outbox: store };
});
