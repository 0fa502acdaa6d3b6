import { useState } from 'preact/hooks';
import { getAll, type ListPage, type ReadApiClient } from '../api.ts';
import { Badge } from '../components/badge.tsx';
import { Time } from '../components/time.tsx';
import { Timeline } from '../components/timeline.tsx';
import { usePolled } from '../hooks.ts';
import {
  type MetricsAnswer,
  metricsQueryOf,
  metricsSeriesOf,
  type TemplateMetricsAnswer,
  templateMetricsQueryOf,
  templateSeriesOf,
} from '../metrics-data.ts';
import { type Alert, COLLECTION_OF, type HistoryEntry, type PhoneNumber, type Template } from '../model.ts';
import {
  markersOf,
  RANGE_DAYS,
  type RangeChoice,
  type Series,
  segmentsOf,
  windowOf,
} from '../timeline-data.ts';
import { AlertsTable } from './alerts.tsx';

interface Props {
  readonly api: ReadApiClient;
  readonly kind: 'phone-number' | 'template';
  readonly id: string;
}

const RANGES: readonly RangeChoice[] = [...(Object.keys(RANGE_DAYS) as RangeChoice[]), 'all'];

/** One phone number or template: its timeline over the whole history, the change list and its alerts. */
export function EntityPage({ api, kind, id }: Props) {
  const collection = COLLECTION_OF[kind];
  const path = `/v1/${collection}/${encodeURIComponent(id)}`;
  const [range, setRange] = useState<RangeChoice>('all');
  const entity = usePolled(() => api.get<PhoneNumber & Template>(path), [path]);
  // The whole history: the range only moves the window, so the band at its left edge is still known.
  const history = usePolled(() => getAll<HistoryEntry>(api, `${path}/history`), [path]);
  const alerts = usePolled(() => api.get<ListPage<Alert>>('/v1/alerts', { entityId: id, limit: '50' }), [id]);
  const now = Date.now();
  const entries = history.data ?? [];
  const [from, to] = windowOf(range, entries, now);
  const visible = entries.filter((entry) => Date.parse(entry.eventTime) >= from);
  // On the same axis: a number's message traffic (message tracking on; hours for up to a month, days beyond), a
  // template's daily insights from Meta (read rate and delivered).
  const span = to - from;
  const metrics = usePolled(async (): Promise<Series[]> => {
    // The window's end moves with the clock: each poll asks up to now.
    const end = Date.now();
    if (kind === 'phone-number') {
      const answer = await api.get<MetricsAnswer>(`${path}/metrics`, metricsQueryOf([end - span, end]));
      return metricsSeriesOf(answer.items);
    }
    const answer = await api.get<TemplateMetricsAnswer>(
      `${path}/metrics`,
      templateMetricsQueryOf([end - span, end]),
    );
    return templateSeriesOf(answer.items);
  }, [path, range, Math.round(span / 86_400_000)]);
  const series = metrics.data ?? [];
  const qualityAttribute = kind === 'template' ? 'qualityScore' : 'qualityRating';
  const state = entity.data;
  const title =
    kind === 'template'
      ? `${state?.name ?? id} (${state?.language ?? '?'})`
      : (state?.displayPhoneNumber ?? id);

  if (entity.error) {
    return (
      <>
        <h1>{id}</h1>
        <p class="error" role="alert">
          Could not load: {entity.error}
        </p>
      </>
    );
  }
  return (
    <>
      <p class="breadcrumb">
        <a href={`#/${collection}`}>{kind === 'template' ? 'Templates' : 'Phone numbers'}</a> /
      </p>
      <h1>{title}</h1>
      {state && (
        <dl class="facts">
          <div>
            <dt>Quality</dt>
            <dd>
              <Badge value={kind === 'template' ? state.qualityScore : state.qualityRating} />
            </dd>
          </div>
          <div>
            <dt>Status</dt>
            <dd>
              <Badge value={state.status} />
            </dd>
          </div>
          {kind === 'template' ? (
            <>
              <div>
                <dt>Category</dt>
                <dd>{state.category ?? '—'}</dd>
              </div>
              <div>
                <dt>Pauses</dt>
                <dd>{state.pauseCount}</dd>
              </div>
            </>
          ) : (
            <div>
              <dt>Messaging limit</dt>
              <dd>{state.messagingLimit ?? '—'}</dd>
            </div>
          )}
          <div>
            <dt>WABA</dt>
            <dd>{state.wabaId}</dd>
          </div>
          <div>
            <dt>Last change</dt>
            <dd>
              <Time iso={state.updatedAt} />
            </dd>
          </div>
        </dl>
      )}
      <section aria-labelledby="timeline-heading">
        <div class="section-head">
          <h2 id="timeline-heading">Timeline</h2>
          <fieldset class="ranges">
            <legend class="visually-hidden">Time range</legend>
            {RANGES.map((choice) => (
              <button
                key={choice}
                type="button"
                aria-pressed={range === choice}
                onClick={() => setRange(choice)}
              >
                {choice === 'all' ? 'All' : choice.replace('d', ' d')}
              </button>
            ))}
          </fieldset>
        </div>
        <Timeline
          title={`Quality and status of ${title} over time`}
          window={[from, to]}
          lanes={[
            { label: 'Quality', kind: 'quality', segments: segmentsOf(entries, qualityAttribute, now) },
            { label: 'Status', kind: 'status', segments: segmentsOf(entries, 'status', now) },
          ]}
          markers={markersOf(entries)}
          series={series}
        />
        <p class="muted legend">
          ▼ marks {kind === 'template' ? 'pauses' : 'messaging-limit steps'}.{' '}
          {kind === 'template'
            ? 'Template read rates are not collected yet.'
            : series.length > 0
              ? 'Read rate, volume, failures and p90 first response time come from message tracking.'
              : 'Turn on message tracking (trackMessages) to see read rates, failures and response times here.'}
        </p>
      </section>
      <section aria-labelledby="changes-heading">
        <h2 id="changes-heading">Changes ({visible.length})</h2>
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Source</th>
                <th scope="col">What changed</th>
                <th scope="col">Meta's value</th>
              </tr>
            </thead>
            <tbody>
              {visible.map((entry) => (
                <tr key={entry.eventId}>
                  <td data-label="Time">
                    <Time iso={entry.eventTime} />
                  </td>
                  <td data-label="Source">{entry.source}</td>
                  <td data-label="What changed">
                    {entry.transitions.length > 0
                      ? entry.transitions.map((t) => (
                          <div key={t.attribute}>
                            {t.attribute}: {String(t.from ?? '—')} → {String(t.to ?? '—')}
                          </div>
                        ))
                      : `${entry.field} (${entry.outcome === 'stale' ? 'older than the current state' : 'no change'})`}
                  </td>
                  <td data-label="Meta's value">
                    <details>
                      <summary>raw</summary>
                      <pre>{JSON.stringify(entry.raw, null, 2)}</pre>
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="entity-alerts-heading">
        <h2 id="entity-alerts-heading">Alerts</h2>
        <AlertsTable alerts={alerts.data?.items ?? []} />
      </section>
    </>
  );
}
