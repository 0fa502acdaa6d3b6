/** Every item of a paginated read route (`/v1/...`), following `nextToken` to the end. */
export async function fetchAllItems(baseUrl: string, path: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let nextToken: string | undefined;
  do {
    const url = `${baseUrl}${path}?limit=1000${nextToken ? `&nextToken=${encodeURIComponent(nextToken)}` : ''}`;
    const response = await fetch(url);
    if (!response.ok) throw new Error(`GET ${path} answered ${response.status}`);
    const page = (await response.json()) as { items: Record<string, unknown>[]; nextToken?: string };
    items.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken);
  return items;
}
