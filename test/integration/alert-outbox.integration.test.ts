import { beforeAll } from 'vitest';
import { DynamoDbAlertOutbox } from '../../shared/store/dynamodb-alert-outbox.ts';
import { StateStore } from '../../shared/store/state-store.ts';
import { alertOutboxContract } from '../support/alert-outbox-contract.ts';
import { connectLocalAws, freshResources } from '../support/local-aws.ts';

/*
 * The outbox contract on DynamoDB Local: the conditional updates, the sparse listing and the transaction's
 * cancellation reasons of the real store, against the same cases as the in-memory store of the unit tests.
 * One table for the file; every case uses events and templates of its own.
 */

let store: StateStore;
let outbox: DynamoDbAlertOutbox;

beforeAll(async () => {
  const doc = connectLocalAws();
  const { tableName } = await freshResources('outbox');
  store = new StateStore(doc, tableName);
  outbox = new DynamoDbAlertOutbox(doc, tableName);
});

alertOutboxContract('DynamoDB', async () => ({ store, outbox }));
