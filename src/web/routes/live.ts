import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { LiveEvent, LiveFeed } from '../../calls/live-feed.js';
import type { Accounts } from '../auth/accounts.js';
import { principalKey, stillValid } from '../auth/plugin.js';
import { HttpError } from '../http-errors.js';
import { errorResponses } from '../schemas.js';

const KEEPALIVE_MS = 15_000;
/** How often a stream asks whether its session or token still holds (logout, revocation). */
const RECHECK_MS = 5_000;
/** Streams one session or token may hold open at once (a browser has one per tab). */
export const MAX_STREAMS_PER_PRINCIPAL = 5;

/**
 * Calls as they happen, as server-sent events (one JSON LiveEvent per message): first what is
 * in progress and just finished, then each event as it comes. Absent a Stasis app in this
 * process, the stream stays empty.
 */
export const liveRoutes =
  (feed: LiveFeed | undefined, accounts: Accounts): FastifyPluginAsyncZod =>
  async (app) => {
    const open = new Set<ServerResponse>();
    const perPrincipal = new Map<string, number>();
    // Streams never end by themselves: end them before the server closes, or its close would
    // wait for them (onClose hooks run only after the server has closed).
    app.addHook('preClose', async () => {
      for (const res of open) res.end();
    });
    app.get(
      '/api/live',
      {
        schema: {
          summary:
            'Calls as they happen: server-sent events, each a JSON object (started, step, check, heard, finished)',
          tags: ['live'],
          produces: ['text/event-stream'],
          response: errorResponses(401, 429),
        },
      },
      async (request, reply) => {
        const who = principalKey(request.principal);
        const held = perPrincipal.get(who) ?? 0;
        if (held >= MAX_STREAMS_PER_PRINCIPAL) {
          throw new HttpError(
            429,
            'TOO_MANY_STREAMS',
            `at most ${MAX_STREAMS_PER_PRINCIPAL} live streams at once`,
          );
        }
        perPrincipal.set(who, held + 1);
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
          'content-security-policy': "default-src 'none'",
        });
        // Headers now, not with the first event: a quiet line must not leave the client waiting.
        res.flushHeaders();
        open.add(res);
        const send = (e: LiveEvent) => res.write(`data: ${JSON.stringify(e)}\n\n`);
        for (const e of feed?.snapshot() ?? []) send(e);
        feed?.on('event', send);
        const keepalive = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
        // Logged out, expired or revoked (here or by another process): the stream ends too.
        const recheck = setInterval(async () => {
          if (!(await stillValid(accounts, request))) res.end();
        }, RECHECK_MS);
        let closed = false;
        const close = () => {
          if (closed) return;
          closed = true;
          clearInterval(keepalive);
          clearInterval(recheck);
          feed?.off('event', send);
          open.delete(res);
          const left = (perPrincipal.get(who) ?? 1) - 1;
          if (left > 0) perPrincipal.set(who, left);
          else perPrincipal.delete(who);
        };
        res.on('close', close);
        request.raw.socket.on('close', close);
      },
    );
  };
