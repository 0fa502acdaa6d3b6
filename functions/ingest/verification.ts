import { errorResponse, type HttpResponse, textResponse } from '../../shared/http/responses.ts';
import { secretsMatch } from '../../shared/webhook/signature.ts';

/**
 * Meta's verification handshake: `hub.mode=subscribe` and our verify token → 200 with the raw `hub.challenge`
 * as plain text; anything else → 403, which leaves the callback unverified (docs/meta-webhooks.md, "Delivery and security").
 */
export function answerVerification(
  query: Record<string, string | undefined> | undefined,
  verifyToken: string,
): HttpResponse {
  const mode = query?.['hub.mode'];
  const token = query?.['hub.verify_token'];
  const challenge = query?.['hub.challenge'];
  if (
    mode !== 'subscribe' ||
    token === undefined ||
    challenge === undefined ||
    !secretsMatch(token, verifyToken)
  ) {
    return errorResponse(
      403,
      'forbidden',
      'verification failed: hub.mode, hub.verify_token or hub.challenge is wrong',
    );
  }
  return textResponse(200, challenge);
}
