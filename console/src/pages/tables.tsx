import type { ListPage, ReadApiClient } from '../api.ts';
import { Badge } from '../components/badge.tsx';
import { type Column, EntityTable, type Filter } from '../components/entity-table.tsx';
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

/** What both tables list: entities of one WABA each, with the time of their last change. */
interface ListedEntity {
  readonly id: string;
  readonly wabaId: string;
  readonly updatedAt: string;
}

/** A sortable column of a Meta value shown as is, or a dash when Meta has not sent it. */
const textColumn = <T,>(
  key: string,
  label: string,
  value: (item: T) => string | number | undefined,
): Column<T> => ({
  key,
  label,
  sortable: true,
  render: (item) => value(item) ?? '—',
});

/** A sortable column of a quality or status, coloured by its value. */
const badgeColumn = <T,>(key: string, label: string, value: (item: T) => string | undefined): Column<T> => ({
  key,
  label,
  sortable: true,
  render: (item) => <Badge value={value(item)} />,
});

const wabaAndLastChange = <T extends ListedEntity>(): Column<T>[] => [
  textColumn<T>('wabaId', 'WABA', (item) => item.wabaId),
  { key: 'updatedAt', label: 'Last change', sortable: true, render: (item) => <Time iso={item.updatedAt} /> },
];

const wabaFilter = (wabaIds: readonly string[]): Filter => ({
  name: 'wabaId',
  label: 'WABA',
  options: wabaIds,
});
const statusFilter = (options: readonly string[]): Filter => ({ name: 'status', label: 'Status', options });
const QUALITY_FILTER: Filter = { name: 'quality', label: 'Quality', options: QUALITIES };

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
        filters={[wabaFilter(wabaIds), statusFilter(PHONE_STATUSES), QUALITY_FILTER]}
        columns={[
          {
            key: 'displayPhoneNumber',
            label: 'Number',
            sortable: true,
            render: (p) => (
              <a href={entityHref('phone-number', p.id)}>{p.displayPhoneNumber ?? p.phoneNumberId ?? p.id}</a>
            ),
          },
          textColumn('verifiedName', 'Name', (p) => p.verifiedName),
          badgeColumn('qualityRating', 'Quality', (p) => p.qualityRating),
          badgeColumn('status', 'Status', (p) => p.status),
          textColumn('messagingLimit', 'Limit', (p) => p.messagingLimit),
          ...wabaAndLastChange<PhoneNumber>(),
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
          wabaFilter(wabaIds),
          statusFilter(TEMPLATE_STATUSES),
          QUALITY_FILTER,
          { name: 'category', label: 'Category', options: CATEGORIES },
        ]}
        columns={[
          {
            key: 'name',
            label: 'Name',
            sortable: true,
            render: (t) => <a href={entityHref('template', t.id)}>{t.name ?? t.templateId}</a>,
          },
          textColumn('language', 'Language', (t) => t.language),
          badgeColumn('qualityScore', 'Quality', (t) => t.qualityScore),
          badgeColumn('status', 'Status', (t) => t.status),
          textColumn('category', 'Category', (t) => t.category),
          textColumn('pauseCount', 'Pauses', (t) => t.pauseCount),
          ...wabaAndLastChange<Template>(),
        ]}
      />
    </>
  );
}
