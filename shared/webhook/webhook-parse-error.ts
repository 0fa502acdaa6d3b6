export type WebhookParseErrorCode = 'INVALID_JSON' | 'NOT_A_WEBHOOK' | 'UNSUPPORTED_OBJECT';

/**
 * The body as a whole is not a Meta webhook delivery. The message says what is wrong and where, never what
 * the body contained.
 */
export class WebhookParseError extends Error {
  override readonly name = 'WebhookParseError';
  constructor(
    readonly code: WebhookParseErrorCode,
    message: string,
  ) {
    super(message);
  }
}
