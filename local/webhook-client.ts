import { metaSignatureOf } from '../shared/webhook/signature.ts';

export interface PostResult {
  readonly status: number;
  readonly body: string;
  readonly attempts: number;
}

/**
 * Sends a webhook delivery the way Meta does: `X-Hub-Signature-256` over the exact bytes, and retries while the
 * answer is not a 2xx/4xx (Meta retries any non-200 for days; here a bounded number of times).
 */
export async function postWebhook(
  baseUrl: string,
  body: string,
  appSecret: string,
  options: { retries?: number; signature?: string | null } = {},
): Promise<PostResult> {
  const signature = options.signature === undefined ? metaSignatureOf(body, appSecret) : options.signature;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  const retries = options.retries ?? 8;
  for (let attempt = 1; ; attempt += 1) {
    try {
      const response = await fetch(`${baseUrl}/webhook`, { method: 'POST', headers, body });
      const text = await response.text();
      if (response.status < 500 || attempt > retries)
        return { status: response.status, body: text, attempts: attempt };
    } catch (error) {
      if (attempt > retries) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * 2 ** attempt)));
  }
}

/**
 * Waits until the running pipeline has applied every event it accepted (`/health` reports none queued or in
 * flight). A narrated sequence (the demo) waits after each delivery, as Meta's own deliveries of one story come
 * minutes apart: parallel processor instances would otherwise apply them in any order, and a late event changes
 * no state and raises no alert, by design.
 */
export async function waitUntilApplied(baseUrl: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const health = (await (await fetch(`${baseUrl}/health`)).json()) as { queued?: number };
    if (health.queued === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${baseUrl} still had events queued after ${timeoutMs} ms`);
}
