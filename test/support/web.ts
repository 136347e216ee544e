import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadDirectoryFile, loadPhrases } from '../../src/challenge/setup.js';
import { type Config, configSchema } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import { DirectoryMatcher } from '../../src/match/matcher.js';
import { type CallRow, Store } from '../../src/store/store.js';
import { WebAuthStore } from '../../src/store/web-auth.js';
import { Accounts } from '../../src/web/auth/accounts.js';
import { CallMetrics } from '../../src/web/metrics.js';
import { createWebServer, type WebDeps } from '../../src/web/server.js';
import { modelLexicon } from './lexicon.js';

export const ADMIN = { username: 'admin', password: 'correct horse battery' };

export interface TestWeb {
  base: string;
  dir: string;
  config: Config;
  store: Store;
  app: FastifyInstance;
  accounts: Accounts;
  /** A valid API token. */
  token: string;
  deps: WebDeps;
  close(): Promise<void>;
}

/**
 * The real admin API on 127.0.0.1 (a free port) over a fresh SQLite file, with the test
 * directory and the recogniser's lexicon, an admin account and an API token.
 */
export async function startTestWeb(
  overrides: Record<string, unknown> = {},
  /** More or other dependencies, possibly built on the test's store (the running app's caches). */
  extra: (store: Store) => Partial<WebDeps> = () => ({}),
): Promise<TestWeb> {
  const dir = mkdtempSync(join(tmpdir(), 'doorman-web-'));
  const config = configSchema.parse({
    store: { url: `sqlite:${join(dir, 'doorman.db')}`, timeoutMs: 2000 },
    recordings: { dir: join(dir, 'recordings') },
    directory: { file: 'test/fixtures/directory.yaml' },
    log: { level: 'silent' },
    ...overrides,
  });
  const store = await Store.open(config.store);
  const accounts = new Accounts(new WebAuthStore(store), config.web.sessionHours * 3_600_000);
  await accounts.setPassword(ADMIN.username, ADMIN.password);
  const { token } = await accounts.createToken('tests');
  const entries = loadDirectoryFile(config.directory.file);
  const deps: WebDeps = {
    config,
    store,
    logger: createLogger('silent'),
    ari: { connected: false },
    speechEngine: 'soundswallower',
    directory: {
      entries,
      matcher: new DirectoryMatcher(entries, loadPhrases(config), modelLexicon()),
      policy: config.challenge,
    },
    metrics: new CallMetrics(() => 0),
    ...extra(store),
  };
  const app = await createWebServer(deps);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  let closing: Promise<void> | undefined;
  return {
    base: address,
    dir,
    config,
    store,
    app,
    accounts,
    token,
    deps,
    close() {
      closing ??= app.close().then(() => store.close());
      return closing;
    },
  };
}

/** A logged-in browser: its cookie header and CSRF token. */
export async function login(web: TestWeb): Promise<{ cookie: string; csrf: string }> {
  const r = await fetch(`${web.base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${await r.text()}`);
  const cookie = r.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie, csrf: ((await r.json()) as { csrfToken: string }).csrfToken };
}

/** fetch with the API token, JSON in and out. */
// biome-ignore lint/suspicious/noExplicitAny: tests read the JSON each route returns by its documented shape
type Json = any;
export async function api(
  web: TestWeb,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Json; headers: Headers }> {
  const r = await fetch(`${web.base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${web.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  const json = r.headers.get('content-type')?.startsWith('application/json');
  return { status: r.status, body: json && text ? JSON.parse(text) : text, headers: r.headers };
}

/** A finished call as the store keeps it, for pages and API routes that list calls. */
export function callRow(id: string, over: Partial<CallRow> = {}): CallRow {
  return {
    id,
    channel_id: `chan-${id}`,
    started_at: new Date().toISOString(),
    caller_number: '+15550100000',
    caller_raw: '+15550100000',
    caller_name: '',
    did: '15550001000',
    route: 'default',
    outcome: 'routed',
    destination: 'desk',
    reason: 'test',
    check_name: 'challenge',
    checks: '[{"check":"bypass","result":"next","ms":1}]',
    transcript: null,
    candidates: null,
    recording: null,
    timings: '{"totalMs":1234}',
    ...over,
  };
}
