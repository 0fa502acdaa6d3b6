/**
 * Filtering, search, sorting and offset paging of an entity listing (`/v1/phone-numbers`, `/v1/templates`,
 * `/v1/businesses`) for the console and scripts. Pure: it works on the public item shapes.
 *
 * Filters match exactly (`wabaId`, `status`, `quality`, `category`; a comma-separated list matches any of its
 * values), `q` searches case-insensitively in the names and numbers, `sort` names an item field and `order` is
 * `asc` (default) or `desc`. Quality sorts by severity (GREEN < YELLOW < RED), not alphabetically.
 */
export interface ListQuery {
  readonly filters: Readonly<Record<FilterName, readonly string[] | undefined>>;
  readonly search?: string;
  readonly sort?: string;
  readonly descending: boolean;
  readonly offset: number;
  readonly limit: number;
}

export const FILTER_NAMES = ['wabaId', 'status', 'quality', 'category'] as const;
type FilterName = (typeof FILTER_NAMES)[number];

/** The query parameters that turn a listing into a filtered one (paged by offset instead of a table key). */
export const LIST_QUERY_PARAMETERS: readonly string[] = [...FILTER_NAMES, 'q', 'sort', 'order'];

export class ListQueryError extends Error {
  override readonly name = 'ListQueryError';
}

type Item = Readonly<Record<string, unknown>>;

/** Which item field a filter or search reads, by listing. */
const QUALITY_FIELD = ['qualityRating', 'qualityScore'] as const;
const SEARCH_FIELDS = ['name', 'displayPhoneNumber', 'verifiedName', 'id', 'templateId', 'phoneNumberId'];
const QUALITY_ORDER: Readonly<Record<string, number>> = { GREEN: 0, YELLOW: 1, RED: 2 };

export function isFilteredListing(query: Readonly<Record<string, string | undefined>> | undefined): boolean {
  return LIST_QUERY_PARAMETERS.some((name) => query?.[name] !== undefined && query[name] !== '');
}

export function listQueryOf(
  query: Readonly<Record<string, string | undefined>> | undefined,
  limit: number,
  sortable: readonly string[],
): ListQuery {
  const list = (name: string) => {
    const value = query?.[name];
    return value === undefined || value === '' ? undefined : value.split(',').map((v) => v.trim());
  };
  const sort = query?.sort || undefined;
  if (sort !== undefined && !sortable.includes(sort)) {
    throw new ListQueryError(`sort must be one of ${sortable.join(', ')}`);
  }
  const order = query?.order || 'asc';
  if (order !== 'asc' && order !== 'desc') throw new ListQueryError('order must be asc or desc');
  return {
    filters: Object.fromEntries(FILTER_NAMES.map((name) => [name, list(name)])) as ListQuery['filters'],
    search: query?.q?.trim().toLowerCase() || undefined,
    sort,
    descending: order === 'desc',
    offset: offsetOf(query?.nextToken),
    limit,
  };
}

export interface ListResult<T> {
  readonly items: T[];
  /** How many items match the filters and search, over all pages. */
  readonly total: number;
  readonly nextToken?: string;
}

export function applyListQuery<T extends Item>(items: readonly T[], query: ListQuery): ListResult<T> {
  const matching = items.filter((item) => matches(item, query));
  if (query.sort !== undefined) {
    const field = query.sort;
    const direction = query.descending ? -1 : 1;
    matching.sort((a, b) => direction * compareValues(field, a[field], b[field]) || compareIds(a, b));
  } else {
    matching.sort(compareIds);
  }
  const end = query.offset + query.limit;
  return {
    items: matching.slice(query.offset, end),
    total: matching.length,
    ...(end < matching.length ? { nextToken: offsetToken(end) } : {}),
  };
}

function matches(item: Item, query: ListQuery): boolean {
  const { wabaId, status, quality, category } = query.filters;
  if (wabaId && !wabaId.includes(String(item.wabaId))) return false;
  if (status && !status.includes(String(item.status))) return false;
  if (category && !category.includes(String(item.category))) return false;
  if (quality && !QUALITY_FIELD.some((field) => quality.includes(String(item[field])))) return false;
  if (query.search) {
    const search = query.search;
    return SEARCH_FIELDS.some((field) =>
      String(item[field] ?? '')
        .toLowerCase()
        .includes(search),
    );
  }
  return true;
}

/** Missing values sort last whatever the order, so a column's known values stay together. */
function compareValues(field: string, a: unknown, b: unknown): number {
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : 1;
  if (b === undefined || b === null) return -1;
  if (field === 'qualityRating' || field === 'qualityScore') {
    return (QUALITY_ORDER[String(a)] ?? 3) - (QUALITY_ORDER[String(b)] ?? 3);
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

const compareIds = (a: Item, b: Item) =>
  String(a.id) < String(b.id) ? -1 : String(a.id) > String(b.id) ? 1 : 0;

const OFFSET_PREFIX = 'offset:';

function offsetToken(offset: number): string {
  return Buffer.from(`${OFFSET_PREFIX}${offset}`).toString('base64url');
}

function offsetOf(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const offset = Number(text.slice(OFFSET_PREFIX.length));
  if (!text.startsWith(OFFSET_PREFIX) || !Number.isInteger(offset) || offset < 0) {
    throw new ListQueryError('nextToken is not one this API handed out for a filtered list');
  }
  return offset;
}
