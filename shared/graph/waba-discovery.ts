import * as z from 'zod/mini';
import { GraphApiError, type GraphClient } from './graph-client.ts';

/** The permission that lets a token read a WABA's phone numbers and templates. */
export const WABA_MANAGEMENT_SCOPE = 'whatsapp_business_management';

/** Where the poller looks for the WABAs its token can manage. */
export interface WabaDiscoverySources {
  /** Read the token's own granular scopes with `GET /debug_token` (the default). */
  readonly tokenScopes: boolean;
  /** Businesses whose owned and client WABAs are listed (a solution provider's own business, typically). */
  readonly businessIds: readonly string[];
}

export interface WabaDiscovery {
  readonly wabaIds: readonly string[];
  /**
   * Every source answered. When one did not, a WABA missing from the list may just not have been listed this
   * time, so the caller must not take it as gone.
   */
  readonly complete: boolean;
  /** Sources that failed, with the Graph API error class: for the log. */
  readonly failures: readonly {
    readonly source: string;
    readonly errorClass: string;
    readonly code?: number;
  }[];
  /** The token's scope covers every asset without naming them: only `businessIds` can list its WABAs. */
  readonly scopeWithoutTargets: boolean;
}

/** `GET /debug_token`: `data.granular_scopes[].target_ids` are the assets each permission was granted on. */
const debugTokenBody = z.looseObject({
  data: z.looseObject({
    is_valid: z.optional(z.boolean()),
    granular_scopes: z.optional(
      z.array(
        z.looseObject({
          scope: z.string(),
          target_ids: z.optional(z.array(z.union([z.string(), z.number()]))),
        }),
      ),
    ),
  }),
});

const wabaNode = z.looseObject({ id: z.union([z.string(), z.number()]) });

/**
 * Every WABA the token can manage: the `whatsapp_business_management` targets of its granular scopes, plus the
 * owned and client WABAs of each configured business. One failing source leaves the others' WABAs found and
 * the discovery marked incomplete; a token Meta calls invalid fails the whole discovery (nothing can be read).
 */
export async function discoverWabas(
  graph: GraphClient,
  sources: WabaDiscoverySources,
  token: () => Promise<string>,
): Promise<WabaDiscovery> {
  const found = new Set<string>();
  const failures: { source: string; errorClass: string; code?: number }[] = [];
  let scopeWithoutTargets = false;
  const attempt = async (source: string, read: () => Promise<readonly string[]>) => {
    try {
      for (const id of await read()) found.add(id);
    } catch (error) {
      if (!(error instanceof GraphApiError)) throw error;
      if (error.graph.class === 'auth') throw error;
      failures.push({ source, errorClass: error.graph.class, code: error.graph.code });
    }
  };

  if (sources.tokenScopes) {
    await attempt('debug_token', async () => {
      // Meta takes the token to inspect only as the `input_token` query parameter; it is sent over TLS and the
      // client never logs URLs. The bearer header carries the same token as the caller.
      const body = debugTokenBody.safeParse(await graph.read('debug_token', { input_token: await token() }));
      if (!body.success) throw new GraphApiError(200, { class: 'other', type: 'UnreadableDebugToken' });
      if (body.data.data.is_valid === false) throw new GraphApiError(200, { class: 'auth', code: 190 });
      const scopes = (body.data.data.granular_scopes ?? []).filter((s) => s.scope === WABA_MANAGEMENT_SCOPE);
      if (scopes.some((s) => s.target_ids === undefined)) scopeWithoutTargets = true;
      return scopes.flatMap((s) => (s.target_ids ?? []).map(String));
    });
  }
  for (const businessId of sources.businessIds) {
    for (const edge of ['owned_whatsapp_business_accounts', 'client_whatsapp_business_accounts']) {
      await attempt(`${businessId}/${edge}`, async () => {
        const nodes = await graph.listAll<unknown>(`${businessId}/${edge}`, { fields: 'id', limit: '100' });
        return nodes.flatMap((node) => {
          const parsed = wabaNode.safeParse(node);
          return parsed.success ? [String(parsed.data.id)] : [];
        });
      });
    }
  }
  return {
    wabaIds: [...found].filter((id) => /^\d+$/.test(id)).sort(),
    complete: failures.length === 0,
    failures,
    scopeWithoutTargets,
  };
}
