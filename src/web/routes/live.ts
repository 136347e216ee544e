import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { LiveEvent, LiveFeed } from '../../calls/live-feed.js';

const KEEPALIVE_MS = 15_000;

/**
 * Calls as they happen, as server-sent events (one JSON LiveEvent per message): first what is
 * in progress and just finished, then each event as it comes. Absent a Stasis app in this
 * process, the stream stays empty.
 */
export const liveRoutes =
  (feed: LiveFeed | undefined): FastifyPluginAsyncZod =>
  async (app) => {
    const open = new Set<ServerResponse>();
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
        },
      },
      async (request, reply) => {
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
          'content-security-policy': "default-src 'none'",
        });
        open.add(res);
        const send = (e: LiveEvent) => res.write(`data: ${JSON.stringify(e)}\n\n`);
        for (const e of feed?.snapshot() ?? []) send(e);
        feed?.on('event', send);
        const keepalive = setInterval(() => res.write(': keep-alive\n\n'), KEEPALIVE_MS);
        request.raw.socket.on('close', () => {
          clearInterval(keepalive);
          feed?.off('event', send);
          open.delete(res);
        });
      },
    );
  };
