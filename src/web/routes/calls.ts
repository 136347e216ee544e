import { createReadStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isDestination } from '../../config/destinations.js';
import type { Config } from '../../config/schema.js';
import { NotFoundError } from '../../errors.js';
import type { ChangeFeed } from '../../events/change-feed.js';
import { writeTo } from '../../lists/bulk.js';
import { callerInput } from '../../lists/caller-lists.js';
import { csvField } from '../../lists/csv.js';
import { normalizeNumber } from '../../match/caller-id.js';
import { CallLog, type Listed } from '../../store/call-log.js';
import { otherList } from '../../store/schema.js';
import type { CallRow, Store } from '../../store/store.js';
import { author } from '../auth/plugin.js';
import { HttpError } from '../http-errors.js';
import { recordingFile } from '../recording-file.js';
import { errorResponses, idList, idParam, pageQuery } from '../schemas.js';
import { caller as callerEntry, toCaller } from './callers.js';

/** Most numbers one "mark as spam" adds (a filter can match the whole log). */
const MARK_SPAM_MAX = 10_000;

const isoDate = z
  .string()
  .max(40)
  .refine((s) => !Number.isNaN(new Date(s).getTime()), 'a date, e.g. 2027-01-31 or 2027-01-31T18:00:00Z')
  .transform((s) => new Date(s).toISOString());

const callFilter = z.object({
  outcome: z.string().max(16).optional().describe('routed, hung-up, handed-back, failed'),
  check: z.string().max(32).optional().describe('the check whose verdict routed the call'),
  destination: z.string().max(64).optional(),
  from: isoDate.optional().describe('calls that started at or after this'),
  to: isoDate.optional().describe('calls that started before this'),
  caller: z.string().max(100).optional().describe('part of the number or name'),
});

const json = (s: string | null) => (s ? (JSON.parse(s) as unknown) : null);

const call = z.object({
  id: z.string(),
  channelId: z.string(),
  startedAt: z.string(),
  callerNumber: z.string(),
  callerRaw: z.string(),
  callerName: z.string(),
  did: z.string(),
  route: z.string(),
  outcome: z.string(),
  destination: z.string().nullable(),
  reason: z.string().nullable(),
  check: z.string().nullable(),
  checks: z.unknown().describe("each check's result and time"),
  transcript: z.string().nullable(),
  candidates: z.unknown().describe('[{id, score}] of the speech challenge'),
  hasRecording: z.boolean(),
  hasQuestionRecording: z.boolean().describe("the caller's answer to the second question was recorded"),
  timings: z.unknown(),
  withheld: z.boolean().describe('no number to allow or block: withheld, restricted or missing'),
  listed: z
    .object({ list: z.enum(['allow', 'block']), destination: z.string().nullable() })
    .nullable()
    .describe("the caller's entry on the lists now (every-call scope), null when on neither"),
});
export type CallView = z.infer<typeof call>;

const toCall = (r: CallRow, listed: Map<string, Listed>, country: string): z.infer<typeof call> => ({
  id: r.id,
  channelId: r.channel_id,
  startedAt: r.started_at,
  callerNumber: r.caller_number,
  callerRaw: r.caller_raw,
  callerName: r.caller_name,
  did: r.did,
  route: r.route,
  outcome: r.outcome,
  destination: r.destination,
  reason: r.reason,
  check: r.check_name,
  checks: json(r.checks),
  transcript: r.transcript,
  candidates: json(r.candidates),
  hasRecording: !!r.recording,
  hasQuestionRecording: !!r.question_recording,
  timings: json(r.timings),
  withheld: normalizeNumber(r.caller_raw, country).anonymous,
  listed: listed.get(r.caller_number) ?? null,
});

/** The report's columns: what happened to each call, and the PIN label it was billed to. */
const EXPORT_COLUMNS = [
  ['started_at', (r: CallRow) => r.started_at],
  ['caller_number', (r: CallRow) => r.caller_number],
  ['caller_name', (r: CallRow) => r.caller_name],
  ['did', (r: CallRow) => r.did],
  ['route', (r: CallRow) => r.route],
  ['outcome', (r: CallRow) => r.outcome],
  ['check', (r: CallRow) => r.check_name],
  ['destination', (r: CallRow) => r.destination],
  ['reason', (r: CallRow) => r.reason],
  ['transcript', (r: CallRow) => r.transcript],
  ['account_code', (r: CallRow) => r.account_code ?? null],
] as const;

async function writeCallsCsv(rows: AsyncIterable<CallRow>, out: PassThrough): Promise<void> {
  await writeTo(out, `${EXPORT_COLUMNS.map(([name]) => name).join(',')}\n`);
  // Rows arrive in batches (CallLog.each yields to the event loop between them); write them in
  // chunks, waiting for the response to drain when it is full.
  let chunk = '';
  for await (const r of rows) {
    chunk += `${EXPORT_COLUMNS.map(([, get]) => csvField(get(r))).join(',')}\n`;
    if (chunk.length >= 64 * 1024) {
      await writeTo(out, chunk);
      chunk = '';
    }
  }
  if (chunk) await writeTo(out, chunk);
}

/** The screening log: browse, one call, its recording, "these were spam", and filing a call's caller. */
export const callRoutes =
  (deps: { config: Config; store: Store; changes?: ChangeFeed | undefined }): FastifyPluginAsyncZod =>
  async (app) => {
    const { config, store, changes } = deps;
    const log = new CallLog(store);
    const find = async (id: string) => {
      const row = await log.byId(id);
      if (!row) throw new NotFoundError('call', id);
      return row;
    };
    /** Where the call went is the best guess for an allowed caller; not where a block sent it. */
    const defaultDestination = (row: CallRow, list: 'allow' | 'block') =>
      list === 'allow' &&
      row.check_name !== 'blocklist' &&
      row.destination &&
      isDestination(config.destinations, row.destination)
        ? row.destination
        : null;
    const views = async (rows: CallRow[]) => {
      const listed = await log.listed(rows.map((r) => r.caller_number));
      return rows.map((r) => toCall(r, listed, config.numbers.defaultCountry));
    };

    app.get(
      '/api/calls',
      {
        schema: {
          summary: 'Screened calls, newest first, filtered',
          tags: ['calls'],
          querystring: callFilter.extend(pageQuery),
          response: {
            200: z.object({ total: z.number().int(), items: z.array(call) }),
            ...errorResponses(400),
          },
        },
      },
      async (request) => {
        const { limit, offset, ...filter } = request.query;
        const page = await log.page(filter, limit, offset);
        return { total: page.total, items: await views(page.rows) };
      },
    );

    app.get(
      '/api/calls/export',
      {
        schema: {
          summary: 'Calls started in [from, to) as CSV, with the PIN label (account code); formulas defused',
          tags: ['calls'],
          querystring: z.object({ from: callFilter.shape.from, to: callFilter.shape.to }),
          produces: ['text/csv'],
        },
      },
      async (request, reply) => {
        const out = new PassThrough();
        writeCallsCsv(log.each(request.query), out).then(
          () => out.end(),
          (e) => out.destroy(e),
        );
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="doorman-calls.csv"')
          .send(out);
      },
    );

    app.post(
      '/api/calls/mark-spam',
      {
        schema: {
          summary:
            'Block the numbers of these calls (by ids, or every call matching a filter); withheld numbers are skipped',
          tags: ['calls'],
          body: z
            .object({ ids: idList.optional(), filter: callFilter.strict().optional() })
            .strict()
            .refine((b) => (b.ids === undefined) !== (b.filter === undefined), 'give either ids or filter'),
          response: {
            200: z.object({
              blocked: z.array(z.string()).describe('the numbers now on the block list'),
              skipped: z.number().int().describe('withheld or anonymous callers'),
            }),
            ...errorResponses(400),
          },
        },
      },
      async (request) => {
        const { ids, filter } = request.body;
        const rows = await log.callerNumbers(ids ? { ids } : { filter: filter ?? {} }, MARK_SPAM_MAX);
        const blocked = new Set<string>();
        let skipped = 0;
        for (const { caller_raw } of rows) {
          if (normalizeNumber(caller_raw, config.numbers.defaultCountry).anonymous) {
            skipped++;
            continue;
          }
          const input = callerInput(config, {
            number: caller_raw,
            list: 'block',
            source: 'api',
            addedBy: author(request.principal),
            note: 'marked as spam from the call log',
          });
          if (blocked.has(input.number)) continue;
          const entry = await store.upsertCaller(input);
          changes?.listed(entry);
          blocked.add(input.number);
        }
        return { blocked: [...blocked], skipped };
      },
    );

    app.get(
      '/api/calls/:id',
      {
        schema: {
          summary: 'One call: facts, checks, verdict, transcript, candidates, timings',
          tags: ['calls'],
          params: idParam,
          response: { 200: call, ...errorResponses(400, 404) },
        },
      },
      async (request) => {
        const [view] = await views([await find(request.params.id)]);
        return view as CallView;
      },
    );

    app.post(
      '/api/calls/:id/caller',
      {
        schema: {
          summary:
            "Allow, block or re-file this call's caller (every-call scope); the number leaves the other list",
          tags: ['calls'],
          params: idParam,
          body: z
            .object({
              list: z.enum(['allow', 'block']),
              destination: z
                .string()
                .max(64)
                .nullable()
                .optional()
                .describe(
                  'a configured destination; null for the route default; when left out: for allow, ' +
                    'where this call went (unless the block list turned it away), for block none',
                ),
            })
            .strict(),
          response: {
            200: z.object({
              caller: callerEntry,
              removedFromOther: z.boolean().describe('the number was on the other list and is off it now'),
            }),
            ...errorResponses(400, 404, 409),
          },
        },
      },
      async (request) => {
        const row = await find(request.params.id);
        if (normalizeNumber(row.caller_raw, config.numbers.defaultCountry).anonymous)
          throw new HttpError(
            409,
            'NUMBER_WITHHELD',
            'the caller withheld their number: there is nothing to allow or block',
          );
        const { list, destination = defaultDestination(row, list) } = request.body;
        const input = callerInput(config, {
          number: row.caller_raw,
          list,
          source: 'api',
          addedBy: author(request.principal),
          destination,
          note: `from the screening log, after their call of ${row.started_at}`,
        });
        // Re-filing changes where an entry sends calls; the name and note someone gave it stay.
        const kept = (await store.lookup(input.number))[list];
        const { entry, removedFromOther } = await store.fileCaller({
          ...input,
          name: kept?.name ?? (row.caller_name || null),
          note: kept?.note ?? input.note,
          expiresAt: kept?.expires_at ?? null,
        });
        changes?.listed(entry, removedFromOther ? otherList(list) : null);
        return { caller: toCaller(entry), removedFromOther };
      },
    );

    // The answer to "who would you like to speak to?", and to the second question.
    const recordings = [
      ['recording', "The caller's recorded answer (WAV)", (r: CallRow) => r.recording],
      [
        'question-recording',
        "The caller's recorded answer to the second question (WAV)",
        (r: CallRow) => r.question_recording ?? null,
      ],
    ] as const;
    for (const [path, summary, fileOf] of recordings) {
      app.get(
        `/api/calls/:id/${path}`,
        {
          schema: {
            summary,
            tags: ['calls'],
            params: idParam,
            produces: ['audio/wav'],
            response: { 200: z.unknown().describe('the WAV file'), ...errorResponses(400, 403, 404) },
          },
        },
        async (request, reply) => {
          const row = await find(request.params.id);
          const file = await recordingFile(config.recordings.dir, row.id, fileOf(row));
          return reply
            .type('audio/wav')
            .header('content-disposition', `inline; filename="${row.id}-${path}.wav"`)
            .send(createReadStream(file));
        },
      );
    }
  };
