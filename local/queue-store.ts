import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** One message as the queue keeps it: what was sent, and its delivery state. */
export interface StoredMessage {
  readonly id: string;
  readonly body: string;
  /** SendMessage's MessageAttributes, kept verbatim. */
  readonly attributes: Record<string, unknown>;
  readonly sentAt: number;
  receiveCount: number;
  firstReceivedAt: number | undefined;
  /** Invisible until this epoch ms (0: visible). */
  visibleAt: number;
  receiptHandle: string | undefined;
}

export interface QueueSettings {
  visibilityTimeoutSeconds: number;
  /** Name of the dead-letter queue and the receives after which a message moves there. */
  redrive: { readonly deadLetterQueue: string; readonly maxReceiveCount: number } | undefined;
}

/** A line of the journal: a message accepted on a queue, or taken off it. */
type JournalLine =
  | { readonly op: 'send'; readonly queue: string; readonly message: SentMessage }
  | { readonly op: 'delete'; readonly queue: string; readonly id: string };

type SentMessage = Pick<StoredMessage, 'id' | 'body' | 'attributes' | 'sentAt'>;

/**
 * SQS queues kept in memory and in an append-only journal on disk. A send is on disk (fsync) before it is
 * acknowledged, so a message that was accepted survives a hard kill; a delete is appended without fsync (losing
 * one only redelivers the message, which the processor applies idempotently). Receive counts and visibility
 * are not journaled: after a restart every kept message is visible again with a count of zero. At open, the
 * journal is compacted to the messages still on a queue.
 */
export class QueueStore {
  private readonly queues = new Map<string, Queue>();
  private fd: number | undefined;

  /** Opens (or creates) the journal at `journalPath`; in memory only without one. */
  static open(journalPath?: string): QueueStore {
    const store = new QueueStore();
    if (journalPath) store.load(journalPath);
    return store;
  }

  /** Creates a queue, or updates the settings of the existing one (CreateQueue is idempotent in SQS). */
  createQueue(name: string, settings: QueueSettings): void {
    const queue = this.queues.get(name);
    if (queue) queue.settings = settings;
    else this.queues.set(name, new Queue(settings));
  }

  hasQueue(name: string): boolean {
    return this.queues.has(name);
  }

  settingsOf(name: string): QueueSettings {
    return this.queue(name).settings;
  }

  /** Accepts messages; once this returns they are on disk. */
  send(name: string, messages: readonly Omit<SentMessage, 'id' | 'sentAt'>[]): StoredMessage[] {
    const queue = this.queue(name);
    const now = Date.now();
    const stored = messages.map((m) => newMessage({ ...m, id: randomUUID(), sentAt: now }));
    this.append(
      stored.map((m) => ({
        op: 'send',
        queue: name,
        message: { id: m.id, body: m.body, attributes: m.attributes, sentAt: m.sentAt },
      })),
      true,
    );
    for (const m of stored) queue.add(m);
    this.notify(name);
    return stored;
  }

  /**
   * Up to `max` visible messages, made invisible for `visibilityTimeoutSeconds`; a message received more often
   * than the redrive policy allows moves to the dead-letter queue instead.
   */
  receive(name: string, max: number, visibilityTimeoutSeconds?: number): StoredMessage[] {
    const queue = this.queue(name);
    const now = Date.now();
    const received: StoredMessage[] = [];
    const timeoutMs = (visibilityTimeoutSeconds ?? queue.settings.visibilityTimeoutSeconds) * 1000;
    for (const message of queue.visible(now)) {
      const redrive = queue.settings.redrive;
      if (
        redrive &&
        message.receiveCount >= redrive.maxReceiveCount &&
        this.queues.has(redrive.deadLetterQueue)
      ) {
        this.moveToDeadLetterQueue(name, message, redrive.deadLetterQueue);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + timeoutMs;
      message.receiptHandle = `${message.id}#${randomUUID()}`;
      queue.hide(message);
      received.push(message);
      if (received.length === max) break;
    }
    return received;
  }

  /**
   * Takes a message off the queue by the receipt handle of its latest receive. As in SQS, a stale handle (the
   * message was received again since) succeeds without deleting it.
   */
  delete(name: string, receiptHandle: string): void {
    const queue = this.queue(name);
    const id = receiptHandle.split('#')[0] ?? '';
    const message = queue.get(id);
    if (!message || message.receiptHandle !== receiptHandle) return;
    queue.remove(id);
    this.append([{ op: 'delete', queue: name, id }], false);
  }

  changeVisibility(name: string, receiptHandle: string, timeoutSeconds: number): boolean {
    const queue = this.queue(name);
    const message = queue.get(receiptHandle.split('#')[0] ?? '');
    if (!message || message.receiptHandle !== receiptHandle) return false;
    message.visibleAt = Date.now() + timeoutSeconds * 1000;
    if (timeoutSeconds === 0) queue.show(message);
    else queue.hide(message);
    if (timeoutSeconds === 0) this.notify(name);
    return true;
  }

  purge(name: string): void {
    const queue = this.queue(name);
    const ids = queue.ids();
    for (const id of ids) queue.remove(id);
    this.append(
      ids.map((id) => ({ op: 'delete', queue: name, id })),
      true,
    );
  }

  /** Messages waiting (visible) and in flight (received, not yet deleted). */
  depth(name: string): { visible: number; inFlight: number } {
    return this.queue(name).depth(Date.now());
  }

  /** Resolves when a message is sent to the queue, or after `ms`. */
  waitForMessages(name: string, ms: number): Promise<void> {
    const queue = this.queue(name);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        queue.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      queue.waiters.add(done);
    });
  }

  /** Wakes every long poll (at shutdown) and closes the journal. */
  close(): void {
    for (const name of this.queues.keys()) this.notify(name);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private moveToDeadLetterQueue(from: string, message: StoredMessage, to: string): void {
    const [moved] = this.send(to, [{ body: message.body, attributes: message.attributes }]);
    if (moved) this.queue(from).remove(message.id);
    this.append([{ op: 'delete', queue: from, id: message.id }], false);
  }

  private notify(name: string): void {
    for (const wake of [...(this.queues.get(name)?.waiters ?? [])]) wake();
  }

  private queue(name: string): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new QueueDoesNotExistError(name);
    return queue;
  }

  private append(lines: readonly JournalLine[], durable: boolean): void {
    if (this.fd === undefined || lines.length === 0) return;
    writeSync(this.fd, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    if (durable) fsyncSync(this.fd);
  }

  /** Replays the journal into queues, then rewrites it with only the messages still on a queue. */
  private load(journalPath: string): void {
    mkdirSync(dirname(journalPath), { recursive: true });
    const kept = new Map<string, Map<string, SentMessage>>();
    let text = '';
    try {
      text = readFileSync(journalPath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    for (const raw of text.split('\n')) {
      if (!raw) continue;
      let line: JournalLine;
      try {
        line = JSON.parse(raw) as JournalLine;
      } catch {
        // A hard kill can cut the last line short; that send was never acknowledged.
        continue;
      }
      const messages = kept.get(line.queue) ?? new Map<string, SentMessage>();
      kept.set(line.queue, messages);
      if (line.op === 'send') messages.set(line.message.id, line.message);
      else messages.delete(line.id);
    }
    const compacted = `${journalPath}.compacting`;
    const fd = openSync(compacted, 'w');
    for (const [queue, messages] of kept) {
      // Until CreateQueue sets them, a kept queue has the defaults; the local runtime provisions at start.
      this.queues.set(queue, new Queue({ visibilityTimeoutSeconds: 30, redrive: undefined }));
      for (const message of messages.values()) {
        this.queues.get(queue)?.add(newMessage(message));
        writeSync(fd, `${JSON.stringify({ op: 'send', queue, message } satisfies JournalLine)}\n`);
      }
    }
    fsyncSync(fd);
    closeSync(fd);
    renameSync(compacted, journalPath);
    this.fd = openSync(journalPath, 'a');
  }
}

export class QueueDoesNotExistError extends Error {
  override readonly name = 'QueueDoesNotExistError';
  constructor(queue: string) {
    super(`The specified queue ${queue} does not exist.`);
  }
}

function newMessage(sent: SentMessage): StoredMessage {
  return { ...sent, receiveCount: 0, firstReceivedAt: undefined, visibleAt: 0, receiptHandle: undefined };
}

/**
 * One queue: messages in send order, with the visible ones in a FIFO of ids so a receive does not scan the
 * messages in flight (tens of thousands under load).
 */
class Queue {
  private readonly messages = new Map<string, StoredMessage>();
  private ready: string[] = [];
  private readyStart = 0;
  private readonly inFlight = new Set<string>();
  readonly waiters = new Set<() => void>();

  constructor(public settings: QueueSettings) {}

  add(message: StoredMessage): void {
    this.messages.set(message.id, message);
    this.ready.push(message.id);
  }

  get(id: string): StoredMessage | undefined {
    return this.messages.get(id);
  }

  ids(): string[] {
    return [...this.messages.keys()];
  }

  remove(id: string): void {
    this.messages.delete(id);
    this.inFlight.delete(id);
  }

  hide(message: StoredMessage): void {
    this.inFlight.add(message.id);
  }

  show(message: StoredMessage): void {
    message.visibleAt = 0;
    if (this.inFlight.delete(message.id)) this.ready.push(message.id);
  }

  /** Visible messages in arrival order (expired in-flight ones come back first). */
  *visible(now: number): Generator<StoredMessage> {
    if (this.readyStart > 1024 && this.readyStart * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyStart);
      this.readyStart = 0;
    }
    for (const id of [...this.inFlight]) {
      const message = this.messages.get(id);
      if (message && message.visibleAt <= now) {
        this.inFlight.delete(id);
        message.visibleAt = 0;
        yield message;
      }
    }
    while (this.readyStart < this.ready.length) {
      const id = this.ready[this.readyStart++] ?? '';
      const message = this.messages.get(id);
      if (message && !this.inFlight.has(id)) yield message;
    }
  }

  depth(now: number): { visible: number; inFlight: number } {
    let expired = 0;
    for (const id of this.inFlight) if ((this.messages.get(id)?.visibleAt ?? 0) <= now) expired += 1;
    return {
      visible: this.messages.size - this.inFlight.size + expired,
      inFlight: this.inFlight.size - expired,
    };
  }
}
