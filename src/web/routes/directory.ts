import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { judgeTranscript } from '../../challenge/answer.js';
import type { Challenge } from '../../challenge/setup.js';
import { NotFoundError } from '../../errors.js';
import type { DecisionPolicy } from '../../match/decide.js';
import { type DirectoryEntry, directoryEntrySchema } from '../../match/directory.js';
import type { DirectoryMatcher } from '../../match/matcher.js';
import { errorResponses } from '../schemas.js';

/**
 * The directory live calls are matched against, with the same matcher and decision policy; read
 * at each request (an edit replaces them). `editor` is there when the directory can be edited.
 */
export interface DirectoryView {
  readonly entries: readonly DirectoryEntry[];
  readonly matcher: DirectoryMatcher;
  readonly policy: DecisionPolicy;
  readonly editor?: DirectoryEditor;
}

/** A running challenge's directory as the API sees it: the entries and matcher it has now. */
export function directoryOf(challenge: Challenge, editor?: DirectoryEditor): DirectoryView {
  return {
    // Expected callers' passes are heard like entries, but are not the directory.
    get entries() {
      return challenge.entries.filter((e) => !challenge.expires.has(e.id));
    },
    get matcher() {
      return challenge.deps.matcher;
    },
    policy: challenge.deps.policy,
    ...(editor ? { editor } : {}),
  };
}

export interface DirectoryEditor {
  put(entry: DirectoryEntry): Promise<'added' | 'updated'>;
  remove(id: string): Promise<boolean>;
  import(yaml: string, source?: string): Promise<number>;
  export(): string;
  /** Reloads what the challenge hears now (after an expected caller is added or removed). */
  sync(): Promise<void>;
}

const IMPORT_LIMIT = 2 * 1024 * 1024;

const tryResult = z.object({
  outcome: z.enum(['match', 'ambiguous', 'nomatch', 'machine', 'silence']),
  entry: z.string().nullable(),
  contenders: z.array(z.string()),
  words: z.array(z.string()),
  unexplained: z.array(z.string()),
  candidates: z.array(z.object({ id: z.string(), name: z.string(), score: z.number(), heard: z.string() })),
});
export type TryResult = z.infer<typeof tryResult>;

/** The directory, its editing, and "try it": what Doorman would make of an answer. */
export const directoryRoutes =
  (directory: DirectoryView): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/directory',
      {
        schema: {
          summary: 'Directory entries callers may ask for',
          tags: ['directory'],
          response: { 200: z.object({ items: z.array(directoryEntrySchema) }) },
        },
      },
      async () => ({ items: [...directory.entries] }),
    );

    app.post(
      '/api/directory/try',
      {
        schema: {
          summary: 'Match a typed answer as if a caller had said it: ranked candidates and the decision',
          tags: ['directory'],
          body: z.object({ text: z.string().min(1).max(1000) }).strict(),
          response: { 200: tryResult },
        },
      },
      async (request) => {
        // Typed words have no audio: only the word count can make them a machine.
        const { match, decision } = judgeTranscript(directory, request.body.text, 0);
        return {
          ...decision,
          words: match.words,
          unexplained: match.unexplained,
          candidates: match.candidates
            .slice(0, 10)
            .map((c) => ({ ...c, name: directory.entries.find((e) => e.id === c.id)?.name ?? c.id })),
        };
      },
    );

    const editor = (): DirectoryEditor => {
      if (!directory.editor) throw new NotFoundError('directory editor', 'this process');
      return directory.editor;
    };
    app.addContentTypeParser(
      ['application/yaml', 'text/yaml'],
      { parseAs: 'string', bodyLimit: IMPORT_LIMIT },
      (_req, body, done) => done(null, body),
    );

    app.put(
      '/api/directory/entries/:id',
      {
        schema: {
          summary: 'Add an entry, or change the one with this id; the grammar is rebuilt at once',
          tags: ['directory'],
          params: z.object({ id: directoryEntrySchema.shape.id }),
          body: directoryEntrySchema.omit({ id: true }),
          response: { 200: z.object({ result: z.enum(['added', 'updated']) }), ...errorResponses(400, 404) },
        },
      },
      async (request) => ({ result: await editor().put({ ...request.body, id: request.params.id }) }),
    );

    app.delete(
      '/api/directory/entries/:id',
      {
        schema: {
          summary: 'Remove an entry',
          tags: ['directory'],
          params: z.object({ id: directoryEntrySchema.shape.id }),
          response: { 204: z.null(), ...errorResponses(404) },
        },
      },
      async (request, reply) => {
        if (!(await editor().remove(request.params.id)))
          throw new NotFoundError('directory entry', request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/api/directory/import',
      {
        schema: {
          summary: 'Replace the directory with a YAML document (the exchange format: version, entries)',
          tags: ['directory'],
          consumes: ['application/yaml'],
          body: z.string(),
          response: { 200: z.object({ entries: z.number().int() }), ...errorResponses(400, 413, 415) },
        },
      },
      async (request) => ({ entries: await editor().import(request.body) }),
    );

    app.get(
      '/api/directory/export',
      {
        schema: {
          summary: 'The directory as YAML (the exchange format)',
          tags: ['directory'],
          produces: ['application/yaml'],
        },
      },
      async (_request, reply) =>
        reply
          .type('application/yaml; charset=utf-8')
          .header('content-disposition', 'attachment; filename="directory.yaml"')
          .send(editor().export()),
    );
  };
