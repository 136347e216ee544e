import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../../config/schema.js';
import { NotFoundError } from '../../errors.js';
import type { ChangeFeed } from '../../events/change-feed.js';
import { IMPORT_MAX_BYTES, writeTo } from '../../lists/bulk.js';
import { callerInput, importCallersCsv, listExport } from '../../lists/caller-lists.js';
import { CallerQueries } from '../../store/caller-queries.js';
import { CALLER_SOURCES, type ListName } from '../../store/schema.js';
import type { CallerRow, Store } from '../../store/store.js';
import { author } from '../auth/plugin.js';
import { HttpError, sendError } from '../http-errors.js';
import { errorResponses, idList, idParam, pageQuery } from '../schemas.js';

const list = z.enum(['allow', 'block']);

export const caller = z.object({
  id: z.string(),
  number: z.string().describe('E.164 when it parses, else the digits as received'),
  rawNumber: z.string(),
  name: z.string().nullable(),
  list,
  destination: z.string().nullable(),
  source: z.enum(CALLER_SOURCES),
  addedBy: z.string().nullable(),
  scope: z.string().describe("'' for every call, else the one DID the entry applies to"),
  createdAt: z.string(),
  updatedAt: z.string(),
  lastSeenAt: z.string().nullable(),
  hits: z.number().int(),
  expiresAt: z.string().nullable(),
  note: z.string().nullable(),
});
export type CallerView = z.infer<typeof caller>;

export const toCaller = (r: CallerRow): z.infer<typeof caller> => ({
  id: r.id,
  number: r.number,
  rawNumber: r.raw_number,
  name: r.name,
  list: r.list,
  destination: r.destination,
  source: r.source,
  addedBy: r.added_by,
  scope: r.scope,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  lastSeenAt: r.last_seen_at,
  hits: Number(r.hits),
  expiresAt: r.expires_at,
  note: r.note,
});

/** Fields a person edits; null clears one. */
const editable = {
  name: z.string().max(255).nullable().optional(),
  destination: z.string().max(64).nullable().optional().describe('a name from the destinations config'),
  expiresAt: z.string().max(40).nullable().optional().describe('a date; the entry stops applying then'),
  note: z.string().max(1000).nullable().optional(),
};

/** The allow and block lists: browse, edit, bulk actions, CSV in and out; each change told to `changes`. */
export const callerRoutes =
  (deps: { config: Config; store: Store; changes?: ChangeFeed | undefined }): FastifyPluginAsyncZod =>
  async (app) => {
    const { config, store, changes } = deps;
    const queries = new CallerQueries(store);
    const find = async (id: string) => {
      const [row] = await queries.byIds([id]);
      if (!row) throw new NotFoundError('caller', id);
      return row;
    };
    /** Writes a changed copy of an entry (same number and scope) to a list, keeping who added it. */
    const rewrite = (row: CallerRow, to: ListName, changes: z.infer<z.ZodObject<typeof editable>>) => {
      const keep = <K extends keyof typeof changes>(k: K, v: (typeof changes)[K]) =>
        k in changes ? changes[k] : v;
      const input = callerInput(config, {
        number: row.number,
        list: to,
        source: row.source,
        addedBy: row.added_by ?? '',
        name: keep('name', row.name),
        destination: keep('destination', row.destination),
        scope: row.scope,
        expires: keep('expiresAt', row.expires_at),
        note: keep('note', row.note),
      });
      return store.upsertCaller({ ...input, number: row.number, rawNumber: row.raw_number });
    };

    app.addContentTypeParser(
      'text/csv',
      { parseAs: 'string', bodyLimit: IMPORT_MAX_BYTES },
      (_req, body, done) => done(null, body),
    );
    // Fastify's "Request body is too large" does not say what the limit is.
    app.setErrorHandler((err, request, reply) =>
      sendError(
        (err as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? new HttpError(
              413,
              'CSV_TOO_LARGE',
              `the upload is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MB, the most one import takes; nothing was imported. Split it into smaller files.`,
              { limit: IMPORT_MAX_BYTES },
            )
          : err,
        request,
        reply,
      ),
    );

    app.get(
      '/api/callers',
      {
        schema: {
          summary: 'List callers (newest first), filtered',
          tags: ['callers'],
          querystring: z.object({
            list: list.optional(),
            source: z.enum(CALLER_SOURCES).optional(),
            search: z.string().max(100).optional().describe('part of the number or the name'),
            ...pageQuery,
          }),
          response: { 200: z.object({ total: z.number().int(), items: z.array(caller) }) },
        },
      },
      async (request) => {
        const { limit, offset, ...filter } = request.query;
        const page = await queries.page(filter, limit, offset);
        return { total: page.total, items: page.rows.map(toCaller) };
      },
    );

    app.post(
      '/api/callers',
      {
        schema: {
          summary: 'Add a caller to a list (or update the entry there for that number and scope)',
          tags: ['callers'],
          body: z
            .object({
              number: z.string().min(1).max(64),
              list: list.default('allow'),
              scope: z.string().max(64).optional(),
              ...editable,
            })
            .strict(),
          response: { 201: caller, ...errorResponses(400) },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const row = await store.upsertCaller(
          callerInput(config, {
            number: b.number,
            list: b.list,
            source: 'api',
            addedBy: author(request.principal),
            name: b.name,
            destination: b.destination,
            scope: b.scope,
            expires: b.expiresAt,
            note: b.note,
          }),
        );
        changes?.listed(row);
        return reply.code(201).send(toCaller(row));
      },
    );

    app.get(
      '/api/callers/export',
      {
        schema: {
          summary: 'The lists as CSV (formulas defused for spreadsheets)',
          tags: ['callers'],
          querystring: z.object({ list: list.optional() }),
          produces: ['text/csv'],
        },
      },
      async (request, reply) => {
        const out = new PassThrough();
        listExport(store, request.query.list, (s) => writeTo(out, s)).then(
          () => out.end(),
          (e) => out.destroy(e),
        );
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="doorman-callers.csv"')
          .send(out);
      },
    );

    app.post(
      '/api/callers/import',
      {
        schema: {
          summary: 'Import CSV (columns: number,name,list,destination,source,scope,expires_at,note)',
          tags: ['callers'],
          consumes: ['text/csv'],
          querystring: z.object({ list: list.default('allow').describe('for rows without a list column') }),
          body: z.string(),
          response: {
            200: z.object({
              imported: z.number().int(),
              rejected: z.array(z.object({ line: z.number().int(), reason: z.string() })),
            }),
            ...errorResponses(400, 413, 415),
          },
        },
      },
      async (request) => {
        const addedBy = author(request.principal);
        const report = await importCallersCsv(store, config, request.body, {
          defaultList: request.query.list,
          addedBy,
          source: 'the CSV',
        });
        changes?.imported(report, addedBy);
        return report;
      },
    );

    app.post(
      '/api/callers/bulk-delete',
      {
        schema: {
          summary: 'Delete callers by id',
          tags: ['callers'],
          body: z.object({ ids: idList }).strict(),
          response: { 200: z.object({ deleted: z.number().int() }), ...errorResponses(400) },
        },
      },
      async (request) => {
        const rows = await queries.byIds(request.body.ids);
        const deleted = await queries.deleteByIds(rows.map((r) => r.id));
        for (const row of rows) changes?.removed(row);
        return { deleted };
      },
    );

    app.post(
      '/api/callers/bulk-move',
      {
        schema: {
          summary: 'Move callers to another destination and/or list',
          tags: ['callers'],
          body: z
            .object({ ids: idList, list: list.optional(), destination: editable.destination })
            .strict()
            .refine(
              (b) => b.list !== undefined || b.destination !== undefined,
              'name a list or a destination',
            ),
          response: { 200: z.object({ moved: z.number().int() }), ...errorResponses(400) },
        },
      },
      async (request) => {
        const { ids, list: to, destination } = request.body;
        const edits = destination === undefined ? {} : { destination };
        let moved = 0;
        for (const row of await queries.byIds(ids)) {
          const entry = await rewrite(row, to ?? row.list, edits);
          const move = to !== undefined && to !== row.list;
          if (move) await store.removeCaller(row.number, row.list, row.scope);
          changes?.listed(entry, move ? row.list : null);
          moved++;
        }
        return { moved };
      },
    );

    app.get(
      '/api/callers/:id',
      {
        schema: {
          summary: 'One caller',
          tags: ['callers'],
          params: idParam,
          response: { 200: caller, ...errorResponses(404) },
        },
      },
      async (request) => toCaller(await find(request.params.id)),
    );

    app.patch(
      '/api/callers/:id',
      {
        schema: {
          summary: 'Change a caller: name, destination, expiry, note',
          tags: ['callers'],
          params: idParam,
          body: z.object(editable).strict(),
          response: { 200: caller, ...errorResponses(400, 404) },
        },
      },
      async (request) => {
        const row = await find(request.params.id);
        const entry = await rewrite(row, row.list, request.body);
        changes?.listed(entry);
        return toCaller(entry);
      },
    );

    app.delete(
      '/api/callers/:id',
      {
        schema: {
          summary: 'Remove a caller',
          tags: ['callers'],
          params: idParam,
          response: { 204: z.null(), ...errorResponses(404) },
        },
      },
      async (request, reply) => {
        const row = await find(request.params.id);
        if (!(await queries.deleteByIds([row.id]))) throw new NotFoundError('caller', row.id);
        changes?.removed(row);
        return reply.code(204).send(null);
      },
    );
  };
