import type { Session } from './auth.ts';

/** The read API as the console calls it: `${apiBaseUrl}/v1/...`, with the user's token when signed in. */
export interface ReadApiClient {
  get<T>(path: string, params?: Readonly<Record<string, string | undefined>>): Promise<T>;
}

export interface ListPage<T> {
  readonly items: T[];
  readonly total?: number;
  readonly nextToken?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function createReadApiClient(apiBaseUrl: string, session: Session): ReadApiClient {
  const send = async (url: string) => {
    const authorization = await session.authorization();
    return fetch(url, { headers: authorization ? { authorization } : {} });
  };
  return {
    async get<T>(path: string, params: Readonly<Record<string, string | undefined>> = {}) {
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(params))
        if (value !== undefined && value !== '') query.set(name, value);
      const url = `${apiBaseUrl}${path}${query.size > 0 ? `?${query}` : ''}`;
      let response = await send(url);
      if (response.status === 401 && (await session.renew())) response = await send(url);
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as { message?: string };
        throw new ApiError(response.status, body.message ?? `${path} answered ${response.status}`);
      }
      return (await response.json()) as T;
    },
  };
}

/** Every item of a listing, following `nextToken` (for small lists: one entity's history, the WABAs). */
export async function getAll<T>(
  api: ReadApiClient,
  path: string,
  params: Readonly<Record<string, string | undefined>> = {},
): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | undefined;
  do {
    const page = await api.get<ListPage<T>>(path, { ...params, limit: '1000', nextToken });
    items.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken);
  return items;
}
