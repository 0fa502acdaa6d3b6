import type { ListPage, ReadApiClient } from '../api.ts';
import { Badge } from '../components/badge.tsx';
import { durationText, Time } from '../components/time.tsx';
import { useNow, usePolled } from '../hooks.ts';
import { type AttentionItem, entityHref } from '../model.ts';

/** The landing page: what needs action now, most severe first, each line since when and linked to the entity. */
export function AttentionPage({ api }: { api: ReadApiClient }) {
  const attention = usePolled(() => api.get<ListPage<AttentionItem>>('/v1/attention'), []);
  const now = useNow();
  const items = attention.data?.items;
  return (
    <>
      <h1>Needs attention</h1>
      {attention.error && (
        <p class="error" role="alert">
          Could not load: {attention.error}
        </p>
      )}
      {items && items.length === 0 && (
        <p class="all-clear">Nothing needs attention: every number and template is in good standing.</p>
      )}
      {items && items.length > 0 && (
        <ul class="attention" aria-label="Entities that need attention">
          {items.map((item) => (
            <li
              key={`${item.entityKind}:${item.entityId}`}
              class={`attention-item ${item.severity.toLowerCase()}`}
            >
              <Badge value={item.severity} />
              <div class="what">
                <a href={entityHref(item.entityKind, item.entityId)}>{item.label}</a>
                <span class="kind">{item.entityKind.replace('-', ' ')}</span>
                <span class="reasons">{item.reasons.join(' · ')}</span>
              </div>
              <div class="when">
                <span>
                  since <Time iso={item.since} />{' '}
                  <span class="muted">({durationText(now - Date.parse(item.since))})</span>
                </span>
                {item.resumesAt && (
                  <span class="resumes">
                    {Date.parse(item.resumesAt) > now
                      ? `resumes in ${durationText(Date.parse(item.resumesAt) - now)}`
                      : 'pause should be over'}
                  </span>
                )}
                <span class="muted waba">WABA {item.wabaId}</span>
              </div>
            </li>
          ))}
        </ul>
      )}
      {!items && !attention.error && <p>Loading…</p>}
    </>
  );
}
