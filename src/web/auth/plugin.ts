import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { HttpError } from '../http-errors.js';
import type { Accounts } from './accounts.js';
import { sameSecret } from './secrets.js';

export const SESSION_COOKIE = 'doorman_session';
export const CSRF_COOKIE = 'doorman_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** Who is asking: a logged-in browser, or a script with an API token. */
export type Principal =
  | { kind: 'session'; username: string; sessionId: string; csrfToken: string; expiresAt: string }
  | { kind: 'token'; tokenName: string };

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Answers without credentials (health, login). Everything else needs them. */
    public?: boolean;
  }
}

/** What an entry made through the API records as its author. */
export const author = (p: Principal | null) =>
  p?.kind === 'token' ? `api (token ${p.tokenName})` : p ? `web (${p.username})` : 'web';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

async function authenticate(accounts: Accounts, request: FastifyRequest): Promise<Principal> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const info = token ? await accounts.tokenFor(token) : undefined;
    if (!info) throw new HttpError(401, 'BAD_TOKEN', 'the bearer token is not valid (revoked, or mistyped)');
    return { kind: 'token', tokenName: info.name };
  }
  const sessionId = request.cookies[SESSION_COOKIE];
  if (!sessionId) throw new HttpError(401, 'LOGIN_REQUIRED', 'log in, or send Authorization: Bearer TOKEN');
  const session = await accounts.session(sessionId);
  if (!session) throw new HttpError(401, 'SESSION_EXPIRED', 'the session has expired or ended; log in again');
  // The cookie comes with every request the browser makes, whoever's page asked for it: a write
  // must also prove it was made by our page, which alone can read the session's CSRF token.
  if (!SAFE_METHODS.has(request.method)) {
    const sent = request.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !sameSecret(sent, session.csrf_token))
      throw new HttpError(403, 'CSRF', `a write with a session cookie needs the ${CSRF_HEADER} header`);
  }
  return {
    kind: 'session',
    username: session.username,
    sessionId,
    csrfToken: session.csrf_token,
    expiresAt: session.expires_at,
  };
}

/**
 * Whether the credentials a request came with still hold (a session not ended or expired, a
 * token not revoked): a stream that outlives its request asks again from time to time.
 */
export const stillValid = (accounts: Accounts, request: FastifyRequest): Promise<boolean> =>
  authenticate(accounts, request).then(
    () => true,
    () => false,
  );

/** One key per session or token: what the streams a principal holds are counted by. */
export const principalKey = (p: Principal | null): string =>
  p?.kind === 'session' ? `session:${p.sessionId}` : p?.kind === 'token' ? `token:${p.tokenName}` : 'none';

/** Every route needs a session (plus CSRF token for writes) or an API token, unless it is marked public. */
const authPlugin: FastifyPluginAsync<{ accounts: Accounts }> = async (app, { accounts }) => {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config?.public) return;
    request.principal = await authenticate(accounts, request);
  });
};

export default fp(authPlugin, { name: 'doorman-auth', dependencies: ['@fastify/cookie'] });
