import { useState } from 'preact/hooks';
import { ALERT_KINDS } from '../../../shared/alerts/alert.ts';
import type { ListPage, ReadApiClient } from '../api.ts';
import { Badge } from '../components/badge.tsx';
import { Time } from '../components/time.tsx';
import { usePolled } from '../hooks.ts';
import { type Alert, entityHref, type Waba } from '../model.ts';

const SEVERITIES = ['CRITICAL', 'WARNING', 'INFO'];

export function AlertsTable({ alerts }: { alerts: readonly Alert[] }) {
  if (alerts.length === 0) return <p class="muted">No alerts.</p>;
  return (
    <div class="scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Severity</th>
            <th scope="col">Alert</th>
            <th scope="col">Kind</th>
            <th scope="col">WABA</th>
          </tr>
        </thead>
        <tbody>
          {alerts.map((alert) => (
            <tr key={alert.id}>
              <td data-label="Time">
                <Time iso={alert.eventTime} />
              </td>
              <td data-label="Severity">
                <Badge value={alert.severity} />
              </td>
              <td data-label="Alert">
                <a href={entityHref(alert.entityKind, alert.entityId)}>{alert.title}</a>
              </td>
              <td data-label="Kind">{alert.kind}</td>
              <td data-label="WABA">{alert.wabaId}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Alerts newest first, filtered by severity, kind and WABA; the first page refreshes live. */
export function AlertsPage({ api }: { api: ReadApiClient }) {
  const [filter, setFilter] = useState<Record<string, string>>({});
  const [older, setOlder] = useState<{ items: Alert[]; nextToken?: string } | undefined>();
  const wabas = usePolled(() => api.get<ListPage<Waba>>('/v1/wabas'), [], 30_000);
  const first = usePolled(
    () => api.get<ListPage<Alert>>('/v1/alerts', { ...filter, limit: '100' }),
    [JSON.stringify(filter)],
  );
  const nextToken = older ? older.nextToken : first.data?.nextToken;
  const select = (name: string, label: string, options: readonly string[]) => (
    <label>
      {label}
      <select
        value={filter[name] ?? ''}
        onChange={(e) => {
          setFilter({ ...filter, [name]: e.currentTarget.value });
          setOlder(undefined);
        }}
      >
        <option value="">All</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <>
      <h1>Alerts</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        {select('severity', 'Severity', SEVERITIES)}
        {select('kind', 'Kind', ALERT_KINDS)}
        {select('wabaId', 'WABA', wabas.data?.items.map((w) => w.wabaId) ?? [])}
      </form>
      {first.error && (
        <p class="error" role="alert">
          Could not load: {first.error}
        </p>
      )}
      <AlertsTable alerts={[...(first.data?.items ?? []), ...(older?.items ?? [])]} />
      {nextToken && (
        <button
          type="button"
          onClick={async () => {
            const page = await api.get<ListPage<Alert>>('/v1/alerts', { ...filter, limit: '100', nextToken });
            setOlder({ items: [...(older?.items ?? []), ...page.items], nextToken: page.nextToken });
          }}
        >
          Older alerts
        </button>
      )}
    </>
  );
}
