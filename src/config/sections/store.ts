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
  })
  .strict()
  .prefault({});

export const recordings = z
  .object({ dir: z.string().min(1).default('var/recordings') })
  .strict()
  .prefault({});
