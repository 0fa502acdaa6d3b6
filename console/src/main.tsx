import { render } from 'preact';
import { createReadApiClient, type ReadApiClient } from './api.ts';
import { type Session, startSession } from './auth.ts';
import { loadConfig } from './config.ts';
import { useRoute } from './hooks.ts';
import { AlertsPage } from './pages/alerts.tsx';
import { AttentionPage } from './pages/attention.tsx';
import { EntityPage } from './pages/entity.tsx';
import { PortfolioPage } from './pages/portfolio.tsx';
import { PhoneNumbersPage, TemplatesPage } from './pages/tables.tsx';
import './styles.css';

const NAV = [
  ['', 'Needs attention'],
  ['phone-numbers', 'Phone numbers'],
  ['templates', 'Templates'],
  ['alerts', 'Alerts'],
  ['portfolio', 'Portfolio'],
] as const;

function Page({ api, route }: { api: ReadApiClient; route: string }) {
  const [section = '', rawId] = route.split('/');
  const id = rawId ? decodeURIComponent(rawId) : undefined;
  if (section === 'phone-numbers' && id) return <EntityPage key={id} api={api} kind="phone-number" id={id} />;
  if (section === 'templates' && id) return <EntityPage key={id} api={api} kind="template" id={id} />;
  if (section === 'phone-numbers') return <PhoneNumbersPage api={api} />;
  if (section === 'templates') return <TemplatesPage api={api} />;
  if (section === 'alerts') return <AlertsPage api={api} />;
  if (section === 'portfolio') return <PortfolioPage api={api} />;
  if (section === '') return <AttentionPage api={api} />;
  return (
    <>
      <h1>Not found</h1>
      <p>
        No page at #{route}. <a href="#/">Needs attention</a>
      </p>
    </>
  );
}

function App({ api, session }: { api: ReadApiClient; session: Session }) {
  const route = useRoute();
  const section = route.split('/')[0] ?? '';
  return (
    <>
      {/* A button, not a #main link: the hash is the route. */}
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header>
        <span class="brand">WhatsApp quality</span>
        <nav aria-label="Pages">
          {NAV.map(([path, label]) => (
            <a key={path} href={`#/${path}`} aria-current={section === path ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        {session.signOut && (
          <button type="button" class="sign-out" onClick={session.signOut}>
            Sign out
          </button>
        )}
      </header>
      <main id="main" tabIndex={-1}>
        <Page api={api} route={route} />
      </main>
    </>
  );
}

async function start(): Promise<void> {
  const root = document.getElementById('app');
  if (!root) return;
  try {
    const config = await loadConfig();
    const session = await startSession(config.auth);
    render(<App api={createReadApiClient(config.apiBaseUrl, session)} session={session} />, root);
  } catch (error) {
    render(
      <main>
        <h1>The console could not start</h1>
        <p role="alert">{error instanceof Error ? error.message : String(error)}</p>
      </main>,
      root,
    );
  }
}

void start();
