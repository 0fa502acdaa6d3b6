import type { ListPage, ReadApiClient } from '../api.ts';
import { Badge } from '../components/badge.tsx';
import { EntityTable } from '../components/entity-table.tsx';
import { Time } from '../components/time.tsx';
import { usePolled } from '../hooks.ts';
import { entityHref, type PhoneNumber, type Template, type Waba } from '../model.ts';

const QUALITIES = ['GREEN', 'YELLOW', 'RED', 'UNKNOWN'];
const PHONE_STATUSES = [
  'CONNECTED',
  'FLAGGED',
  'RESTRICTED',
  'RATE_LIMITED',
  'BANNED',
  'DISCONNECTED',
  'PENDING',
];
const TEMPLATE_STATUSES = ['APPROVED', 'PAUSED', 'DISABLED', 'FLAGGED', 'PENDING', 'REJECTED', 'IN_APPEAL'];
const CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'];

function useWabaIds(api: ReadApiClient): string[] {
  const wabas = usePolled(() => api.get<ListPage<Waba>>('/v1/wabas'), [], 30_000);
  return wabas.data?.items.map((w) => w.wabaId) ?? [];
}

export function PhoneNumbersPage({ api }: { api: ReadApiClient }) {
  const wabaIds = useWabaIds(api);
  return (
    <>
      <h1>Phone numbers</h1>
      <EntityTable<PhoneNumber>
        api={api}
        path="/v1/phone-numbers"
        caption="Phone numbers"
        searchLabel="Search number or name"
        defaultSort="displayPhoneNumber"
        filters={[
          { name: 'wabaId', label: 'WABA', options: wabaIds },
          { name: 'status', label: 'Status', options: PHONE_STATUSES },
          { name: 'quality', label: 'Quality', options: QUALITIES },
        ]}
        columns={[
          {
            key: 'displayPhoneNumber',
            label: 'Number',
            sortable: true,
            render: (p) => (
              <a href={entityHref('phone-number', p.id)}>{p.displayPhoneNumber ?? p.phoneNumberId ?? p.id}</a>
            ),
          },
          { key: 'verifiedName', label: 'Name', sortable: true, render: (p) => p.verifiedName ?? '—' },
          {
            key: 'qualityRating',
            label: 'Quality',
            sortable: true,
            render: (p) => <Badge value={p.qualityRating} />,
          },
          { key: 'status', label: 'Status', sortable: true, render: (p) => <Badge value={p.status} /> },
          { key: 'messagingLimit', label: 'Limit', sortable: true, render: (p) => p.messagingLimit ?? '—' },
          { key: 'wabaId', label: 'WABA', sortable: true, render: (p) => p.wabaId },
          {
            key: 'updatedAt',
            label: 'Last change',
            sortable: true,
            render: (p) => <Time iso={p.updatedAt} />,
          },
        ]}
      />
    </>
  );
}

export function TemplatesPage({ api }: { api: ReadApiClient }) {
  const wabaIds = useWabaIds(api);
  return (
    <>
      <h1>Templates</h1>
      <EntityTable<Template>
        api={api}
        path="/v1/templates"
        caption="Templates"
        searchLabel="Search name"
        defaultSort="name"
        filters={[
          { name: 'wabaId', label: 'WABA', options: wabaIds },
          { name: 'status', label: 'Status', options: TEMPLATE_STATUSES },
          { name: 'quality', label: 'Quality', options: QUALITIES },
          { name: 'category', label: 'Category', options: CATEGORIES },
        ]}
        columns={[
          {
            key: 'name',
            label: 'Name',
            sortable: true,
            render: (t) => <a href={entityHref('template', t.id)}>{t.name ?? t.templateId}</a>,
          },
          { key: 'language', label: 'Language', sortable: true, render: (t) => t.language ?? '—' },
          {
            key: 'qualityScore',
            label: 'Quality',
            sortable: true,
            render: (t) => <Badge value={t.qualityScore} />,
          },
          { key: 'status', label: 'Status', sortable: true, render: (t) => <Badge value={t.status} /> },
          { key: 'category', label: 'Category', sortable: true, render: (t) => t.category ?? '—' },
          { key: 'pauseCount', label: 'Pauses', sortable: true, render: (t) => t.pauseCount },
          { key: 'wabaId', label: 'WABA', sortable: true, render: (t) => t.wabaId },
          {
            key: 'updatedAt',
            label: 'Last change',
            sortable: true,
            render: (t) => <Time iso={t.updatedAt} />,
          },
        ]}
      />
    </>
  );
}
