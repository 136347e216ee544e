import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CallLog } from '../../store/call-log.js';
import type { Store } from '../../store/store.js';
import { errorResponses } from '../schemas.js';

const DAY_MS = 86_400_000;
const TOP_NUMBERS = 10;

const top = z.object({ number: z.string(), name: z.string(), calls: z.number().int() });
const stats = z.object({
  from: z.string().describe('the first day counted (UTC, inclusive)'),
  days: z.array(
    z.object({
      day: z.string().describe('YYYY-MM-DD (UTC)'),
      outcomes: z.record(z.string(), z.number().int()).describe('calls that day by outcome'),
    }),
  ),
  topBlocked: z.array(top),
  topFlooding: z.array(top).describe('the numbers sent to the flooded destination most often (floods)'),
});
export type Stats = z.infer<typeof stats>;

/** The UTC days from `days - 1` days ago to today, oldest first. */
function lastDays(days: number, now: Date): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) =>
    new Date(today - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10),
  );
}

/** Figures for the dashboard: calls per day by outcome, and the numbers blocked or held back as floods most often. */
export const statsRoutes =
  (deps: { store: Store }): FastifyPluginAsyncZod =>
  async (app) => {
    const log = new CallLog(deps.store);
    app.get(
      '/api/stats',
      {
        schema: {
          summary: 'Calls per day by outcome, and the most blocked numbers, over the last days (UTC)',
          tags: ['calls'],
          querystring: z.object({ days: z.coerce.number().int().min(1).max(366).default(14) }),
          response: { 200: stats, ...errorResponses(400) },
        },
      },
      async (request) => {
        const days = lastDays(request.query.days, new Date());
        const from = days[0] as string;
        const [perDay, topBlocked, topFlooding] = await Promise.all([
          log.perDay(from),
          log.topBy('blocklist', from, TOP_NUMBERS),
          log.topBy('flood', from, TOP_NUMBERS),
        ]);
        const byDay = new Map(days.map((d) => [d, {} as Record<string, number>]));
        for (const r of perDay) {
          const outcomes = byDay.get(r.day);
          if (outcomes) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + r.calls;
        }
        return {
          from,
          days: [...byDay].map(([day, outcomes]) => ({ day, outcomes })),
          topBlocked,
          topFlooding,
        };
      },
    );
  };
