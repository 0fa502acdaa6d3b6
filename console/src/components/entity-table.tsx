import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { ListPage, ReadApiClient } from '../api.ts';
import { useDebounced, usePolled } from '../hooks.ts';

export interface Column<T> {
  readonly key: string;
  readonly label: string;
  readonly sortable?: boolean;
  readonly render: (item: T) => ComponentChildren;
}

export interface Filter {
  /** The read API's query parameter. */
  readonly name: string;
  readonly label: string;
  readonly options: readonly string[];
}

interface Props<T> {
  readonly api: ReadApiClient;
  readonly path: string;
  readonly caption: string;
  readonly columns: readonly Column<T>[];
  readonly filters: readonly Filter[];
  readonly searchLabel: string;
  readonly defaultSort: string;
  readonly pageSize?: number;
}

/**
 * A server-side filtered, searched, sorted and paged table: only one page of items ever reaches the browser, so it
 * stays fast with tens of thousands of templates. Refreshed every few seconds like every page.
 */
export function EntityTable<T extends { id: string }>(props: Props<T>) {
  const pageSize = props.pageSize ?? 50;
  const [search, setSearch] = useState('');
  const [filterValues, setFilterValues] = useState<Record<string, string>>({});
  const [sort, setSort] = useState({ key: props.defaultSort, descending: false });
  // Tokens of the pages before the current one, so that "Previous" goes back without counting offsets here.
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const settledSearch = useDebounced(search);
  const token = tokens[tokens.length - 1];
  const query = {
    ...filterValues,
    q: settledSearch,
    sort: sort.key,
    order: sort.descending ? 'desc' : 'asc',
  };
  const page = usePolled(
    () => props.api.get<ListPage<T>>(props.path, { ...query, limit: String(pageSize), nextToken: token }),
    [JSON.stringify(query), token],
  );
  const restart = () => setTokens([undefined]);
  const pageIndex = tokens.length - 1;
  const total = page.data?.total ?? 0;

  return (
    <section class="table-view">
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          {props.searchLabel}
          <input
            type="search"
            value={search}
            onInput={(e) => {
              setSearch(e.currentTarget.value);
              restart();
            }}
          />
        </label>
        {props.filters.map((filter) => (
          <label key={filter.name}>
            {filter.label}
            <select
              value={filterValues[filter.name] ?? ''}
              onChange={(e) => {
                setFilterValues({ ...filterValues, [filter.name]: e.currentTarget.value });
                restart();
              }}
            >
              <option value="">All</option>
              {filter.options.map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </select>
          </label>
        ))}
      </form>
      {page.error && (
        <p class="error" role="alert">
          Could not load: {page.error}
        </p>
      )}
      <p class="count" aria-live="polite">
        {page.data ? `${total} ${total === 1 ? 'match' : 'matches'}` : 'Loading…'}
        {page.data && total > pageSize ? ` · page ${pageIndex + 1} of ${Math.ceil(total / pageSize)}` : ''}
      </p>
      <div class="scroll">
        <table>
          <caption class="visually-hidden">{props.caption}</caption>
          <thead>
            <tr>
              {props.columns.map((column) => {
                const active = sort.key === column.key;
                return (
                  <th
                    key={column.key}
                    scope="col"
                    aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : undefined}
                  >
                    {column.sortable ? (
                      <button
                        type="button"
                        class="sort"
                        onClick={() => {
                          setSort({ key: column.key, descending: active ? !sort.descending : false });
                          restart();
                        }}
                      >
                        {column.label}
                        <span aria-hidden="true">{active ? (sort.descending ? ' ▼' : ' ▲') : ''}</span>
                      </button>
                    ) : (
                      column.label
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {page.data?.items.map((item) => (
              <tr key={item.id}>
                {props.columns.map((column) => (
                  <td key={column.key} data-label={column.label}>
                    {column.render(item)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label="Pages">
        <button type="button" disabled={pageIndex === 0} onClick={() => setTokens(tokens.slice(0, -1))}>
          Previous
        </button>
        <button
          type="button"
          disabled={!page.data?.nextToken}
          onClick={() => page.data?.nextToken && setTokens([...tokens, page.data.nextToken])}
        >
          Next
        </button>
      </nav>
    </section>
  );
}
