import type { SessionInfo } from '../routes/session.js';
import { ApiError, get, LOGGED_OUT, post, setCsrfToken } from './api.js';
import { fill, h } from './dom.js';
import type { Page } from './page.js';
import { callersPage } from './pages/callers.js';
import { callsPage } from './pages/calls.js';
import { dashboardPage } from './pages/dashboard.js';
import { directoryPage } from './pages/directory.js';
import { livePage } from './pages/live.js';
import { renderLogin } from './pages/login.js';
import { pinSetsPage } from './pages/pin-sets.js';
import { reportsPage } from './pages/reports.js';
import { settingsPage } from './pages/settings.js';
import { announce, attempt, errorText } from './status.js';

const PAGES: Page[] = [
  dashboardPage,
  livePage,
  callsPage,
  callersPage,
  directoryPage,
  pinSetsPage,
  settingsPage,
  reportsPage,
];

const main = document.getElementById('main') as HTMLElement;
const nav = document.getElementById('nav') as HTMLElement;
let session: SessionInfo | null = null;
let leaving: AbortController | null = null;

const pageFor = (hash: string) => PAGES.find((p) => `#${p.path}` === hash) ?? (PAGES[0] as Page);

function renderNav(active: Page | null): void {
  if (!session) {
    fill(nav);
    return;
  }
  fill(
    nav,
    h(
      'ul',
      {},
      ...PAGES.map((p) =>
        h('li', {}, h('a', { href: `#${p.path}`, 'aria-current': p === active ? 'page' : null }, p.title)),
      ),
    ),
    h('span', { class: 'who' }, session.name),
    h('button', { type: 'button', onclick: () => void logout() }, 'Log out'),
  );
}

async function show(moveFocus: boolean): Promise<void> {
  leaving?.abort();
  if (!session) return;
  const ctl = new AbortController();
  leaving = ctl;
  const page = pageFor(location.hash);
  document.title = `${page.title} · Doorman`;
  renderNav(page);
  fill(main, h('h1', {}, page.title));
  announce('');
  // A new page is news to a screen reader only if the user went there.
  if (moveFocus) main.focus();
  try {
    await page.render({ main, signal: ctl.signal });
  } catch (e) {
    if (!ctl.signal.aborted) announce(errorText(e), 'error');
  }
}

function showLogin(): void {
  leaving?.abort();
  session = null;
  setCsrfToken(null);
  renderNav(null);
  document.title = 'Log in · Doorman';
  renderLogin(main, (s) => {
    session = s;
    setCsrfToken(s.csrfToken);
    void show(true);
  });
}

async function logout(): Promise<void> {
  await attempt(() => post('/api/logout', {}));
  showLogin();
}

async function boot(): Promise<void> {
  window.addEventListener(LOGGED_OUT, showLogin);
  window.addEventListener('hashchange', () => void show(true));
  try {
    session = await get<SessionInfo>('/api/session');
    setCsrfToken(session.csrfToken);
    await show(false);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return; // LOGGED_OUT has shown the login
    announce(errorText(e), 'error');
    showLogin();
  }
}

void boot();
