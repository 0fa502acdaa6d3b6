import type { SealedText } from '../traffic/sealed-text.ts';

/**
 * The processing queue's wire format, written and read here only. Every message carries its schema version in
 * one field, `v`, first in the body, so that a reader can tell a shape it knows from one written by older or
 * newer code (a rolling deploy, a DLQ redrive days later) before it applies anything.
 */

/** Bump when a message's shape changes in a way this version's readers would misread (and keep reading the old one). */
export const QUEUE_MESSAGE_VERSION = 1;

/** What the queue carries: a quality event, a batch of traffic facts, or a WABA's template insights. */
export interface QueueMessage {
  readonly kind: string;
  readonly source: string;
  /** Written by queueMessageBody only. */
  readonly v?: never;
  /** A sealed batch of traffic facts: written last, as it is (it holds no character JSON escapes). */
  readonly sealed?: SealedText;
}

/** The body of a queue message: the message with its schema version. Every producer goes through here. */
export function queueMessageBody(message: QueueMessage): string {
  // Spliced in front of the message's own JSON rather than spread into a copy: the ingest writes one per change,
  // and the copy cost ~7 % of a 1 MB quality delivery (`npm run bench`). A message always has `kind`, so its
  // JSON is never `{}`.
  if (message.sealed === undefined)
    return `{"v":${QUEUE_MESSAGE_VERSION},${JSON.stringify(message).slice(1)}`;
  // Appended rather than stringified: JSON.stringify scans every character of a text, 10 KB for a delivery of 100
  // statuses, and took as long as sealing it.
  const { sealed, ...rest } = message;
  return `{"v":${QUEUE_MESSAGE_VERSION},${JSON.stringify(rest).slice(1, -1)},"sealed":"${sealed}"}`;
}

/**
 * Why a parsed message body's version cannot be read by this code, or undefined when it can.
 *
 * A body without `v` is read as version 1: it was written before versions existed (up to 14 days old in the DLQ),
 * and version 1 is exactly that shape with `v` added, so reading it as version 1 checks it against the same
 * schemas. The reason names the version only when it is a small number: it never echoes message content.
 */
export function versionProblem(message: object): string | undefined {
  if (!('v' in message)) return undefined;
  const { v } = message;
  if (v === QUEUE_MESSAGE_VERSION) return undefined;
  const shown = Number.isInteger(v) && Math.abs(v as number) < 1e6 ? String(v) : `of type ${typeof v}`;
  return `unknown message version ${shown} (this code reads version ${QUEUE_MESSAGE_VERSION})`;
}
