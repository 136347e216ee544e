import { z } from 'zod';
import { ms } from './units.js';

// `store` (the caller lists' database) and `recordings` (where callers' recorded answers are kept).

export const store = z
  .object({
    /** `sqlite:PATH` (embedded), or `postgres://...` / `mysql://...` for a list shared by several PBXs. */
    url: z
      .string()
      .regex(/^(sqlite:|postgres(ql)?:\/\/|mysql:\/\/)/, 'sqlite:PATH, postgres://... or mysql://...')
      .default('sqlite:var/doorman.db'),
    /** Deadline of every query; a lookup that misses it lets the call through. */
    timeoutMs: ms(20, 30_000, 500),
    /** Where writes wait while the database is unreachable (replayed when it is back). */
    queueFile: z.string().min(1).default('var/doorman-queue.jsonl'),
    /**
     * With a shared database: a local SQLite copy of the lists, rules and settings, kept in step,
     * that the checks read when the shared database does not answer. Unused with `sqlite:`.
     */
    copy: z
      .object({
        /** The copy's SQLite file; '' turns the copy off (a shared database that is down then lets calls through unscreened). */
        file: z.string().default('var/doorman-copy.db'),
        /** How often it is brought up to date: a change made on another PBX is in it within this. */
        refreshSeconds: z.number().int().min(1).max(3_600).default(5),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export const recordings = z
  .object({
    dir: z.string().min(1).default('var/recordings'),
    /** Recordings older than this many days go, with their references in the call log; 0 keeps them all. */
    retentionDays: z.number().int().min(0).max(36_500).default(0),
  })
  .strict()
  .prefault({});
