import type { ListPage, ReadApiClient } from '../api.ts';
import { Badge } from '../components/badge.tsx';
import { Time } from '../components/time.tsx';
import { usePolled } from '../hooks.ts';
import { type Business, entityHref, type PhoneNumber, type Waba } from '../model.ts';

/** How many numbers a WABA card lists before pointing to the phone numbers page. */
const NUMBERS_SHOWN = 20;

/** Each WABA with its business-portfolio messaging limit, ban state, restrictions, violations and numbers. */
export function PortfolioPage({ api }: { api: ReadApiClient }) {
  const data = usePolled(async () => {
    const [wabas, businesses] = await Promise.all([
      api.get<ListPage<Waba>>('/v1/wabas'),
      api.get<ListPage<Business>>('/v1/businesses', { sort: 'wabaId', limit: '1000' }),
    ]);
    const numbers = await Promise.all(
      wabas.items.map((waba) =>
        api.get<ListPage<PhoneNumber>>('/v1/phone-numbers', {
          wabaId: waba.wabaId,
          sort: 'displayPhoneNumber',
          limit: String(NUMBERS_SHOWN),
        }),
      ),
    );
    return wabas.items.map((waba, i) => ({
      waba,
      business: businesses.items.find((b) => b.wabaId === waba.wabaId),
      numbers: numbers[i],
    }));
  }, []);
  return (
    <>
      <h1>Portfolio</h1>
      {data.error && (
        <p class="error" role="alert">
          Could not load: {data.error}
        </p>
      )}
      {data.data?.length === 0 && <p class="muted">No WABA has been seen yet.</p>}
      <div class="cards">
        {data.data?.map(({ waba, business, numbers }) => (
          <section key={waba.wabaId} class="card" aria-labelledby={`waba-${waba.wabaId}`}>
            <h2 id={`waba-${waba.wabaId}`}>WABA {waba.wabaId}</h2>
            <dl class="facts">
              <div>
                <dt>Portfolio messaging limit</dt>
                <dd>{business?.messagingLimit ?? 'not reported'}</dd>
              </div>
              <div>
                <dt>Ban state</dt>
                <dd>{business?.banState ? <Badge value={business.banState} /> : 'none'}</dd>
              </div>
              <div>
                <dt>Restrictions</dt>
                <dd>
                  {business?.restrictions?.length
                    ? business.restrictions.map((r) => (
                        <div key={r.type}>
                          {r.type}
                          {r.expiresAt ? (
                            <>
                              {' '}
                              until <Time iso={r.expiresAt} />
                            </>
                          ) : null}
                        </div>
                      ))
                    : 'none'}
                </dd>
              </div>
              <div>
                <dt>Violation</dt>
                <dd>{business?.violationType ?? 'none'}</dd>
              </div>
              <div>
                <dt>Poller access</dt>
                <dd>
                  {business?.pollerAccess ? <Badge value={business.pollerAccess} /> : 'not polled'}
                  {business?.pollerAccessError ? ` ${business.pollerAccessError}` : ''}
                </dd>
              </div>
              <div>
                <dt>Templates</dt>
                <dd>{waba.templates}</dd>
              </div>
            </dl>
            {business && Object.keys(business.accountAlerts).length > 0 && (
              <ul class="account-alerts">
                {Object.entries(business.accountAlerts).map(([type, alert]) => (
                  <li key={type}>
                    <Badge value={alert.severity} /> {type}: {alert.status}
                  </li>
                ))}
              </ul>
            )}
            <h3>Phone numbers ({waba.phoneNumbers})</h3>
            {numbers && numbers.items.length > 0 ? (
              <ul class="numbers">
                {numbers.items.map((p) => (
                  <li key={p.id}>
                    <a href={entityHref('phone-number', p.id)}>{p.displayPhoneNumber ?? p.id}</a>{' '}
                    <Badge value={p.qualityRating} /> <Badge value={p.status} /> {p.messagingLimit ?? ''}
                  </li>
                ))}
              </ul>
            ) : (
              <p class="muted">None seen.</p>
            )}
            {waba.phoneNumbers > NUMBERS_SHOWN && (
              <p>
                <a href="#/phone-numbers">All {waba.phoneNumbers} numbers</a>
              </p>
            )}
            {business && (
              <p class="muted">
                Last change <Time iso={business.updatedAt} />
              </p>
            )}
          </section>
        ))}
      </div>
    </>
  );
}
