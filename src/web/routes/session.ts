import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DoormanError } from '../../errors.js';
import type { Accounts } from '../auth/accounts.js';
import { HashGate } from '../auth/hash-gate.js';
import { LoginThrottle } from '../auth/login-throttle.js';
import { CSRF_COOKIE, SESSION_COOKIE } from '../auth/plugin.js';
import { HttpError } from '../http-errors.js';
import { errorResponses } from '../schemas.js';

export interface SessionOptions {
  accounts: Accounts;
  secureCookies: boolean;
  loginFailuresPerMinute: number;
}

const sessionInfo = z.object({
  kind: z.enum(['session', 'token']),
  /** The admin's name, or the API token's. */
  name: z.string(),
  /** Send it back as `x-csrf-token` with every write (sessions only). */
  csrfToken: z.string().nullable(),
  expiresAt: z.string().nullable(),
});
export type SessionInfo = z.infer<typeof sessionInfo>;

/** Logging in and out of the admin API with a browser session. */
export const sessionRoutes =
  (opts: SessionOptions): FastifyPluginAsyncZod =>
  async (app) => {
    const throttle = new LoginThrottle(opts.loginFailuresPerMinute, 60_000);
    const hashing = new HashGate();
    const cookie = { path: '/', sameSite: 'strict' as const, secure: opts.secureCookies };
    const clear = (reply: FastifyReply) =>
      reply.clearCookie(SESSION_COOKIE, cookie).clearCookie(CSRF_COOKIE, cookie);

    app.post(
      '/api/login',
      {
        config: { public: true },
        schema: {
          summary: 'Log in; sets the session cookie and returns the CSRF token for writes',
          tags: ['session'],
          security: [],
          body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }),
          response: { 200: sessionInfo, ...errorResponses(400, 401, 429, 503) },
        },
      },
      async (request, reply) => {
        const { username, password } = request.body;
        const address = `ip:${request.ip}`;
        const keys = [address, `user:${username.toLowerCase()}`];
        const wait = throttle.retryAfterMs(address, keys[1] as string);
        if (wait > 0) {
          reply.header('retry-after', Math.ceil(wait / 1000));
          throw new HttpError(429, 'TOO_MANY_LOGINS', 'too many failed logins; wait a minute and try again');
        }
        // Counted before the hash, in the same tick as the check above: parallel guesses wait.
        throttle.attempt(keys);
        const session = await hashing
          .run(() => opts.accounts.login(username, password))
          .catch((e) => {
            if (e instanceof DoormanError && e.code === 'LOGIN_BUSY') {
              reply.header('retry-after', 1);
              throw new HttpError(503, e.code, e.message);
            }
            throw e;
          });
        if (!session) {
          request.log.warn({ username: username.slice(0, 64), ip: request.ip }, 'failed login');
          throw new HttpError(401, 'BAD_LOGIN', 'wrong user name or password');
        }
        throttle.succeed(keys);
        request.log.info({ username, ip: request.ip }, 'logged in');
        reply
          .setCookie(SESSION_COOKIE, session.id, { ...cookie, httpOnly: true, expires: session.expiresAt })
          // Readable by the UI's script (that is the point); useless to another site, which cannot read it.
          .setCookie(CSRF_COOKIE, session.csrfToken, {
            ...cookie,
            httpOnly: false,
            expires: session.expiresAt,
          });
        return {
          kind: 'session' as const,
          name: username,
          csrfToken: session.csrfToken,
          expiresAt: session.expiresAt.toISOString(),
        };
      },
    );

    app.post(
      '/api/logout',
      {
        schema: {
          summary: 'End this browser session',
          tags: ['session'],
          response: { 204: z.null(), ...errorResponses(401, 403) },
        },
      },
      async (request, reply) => {
        const p = request.principal;
        if (p?.kind === 'session') await opts.accounts.logout(p.sessionId);
        return clear(reply).code(204).send(null);
      },
    );

    app.get(
      '/api/session',
      {
        schema: {
          summary: 'Who is logged in (and the CSRF token again, for a page that was reloaded)',
          tags: ['session'],
          response: { 200: sessionInfo, ...errorResponses(401) },
        },
      },
      async (request) => {
        const p = request.principal;
        if (p?.kind === 'session')
          return { kind: p.kind, name: p.username, csrfToken: p.csrfToken, expiresAt: p.expiresAt };
        return { kind: 'token' as const, name: p?.tokenName ?? '', csrfToken: null, expiresAt: null };
      },
    );
  };
