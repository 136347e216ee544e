import { z } from 'zod';
import { ms } from './units.js';

// `contacts`: an address book as the allow list (vCard files, a CardDAV server).

export const contacts = z
  .object({
    carddav: z
      .object({
        /** The address book collection, `https://host/dav/USER/contacts/`; empty: no CardDAV sync. */
        url: z
          .string()
          .regex(/^(https?:\/\/.+)?$/, 'http://... or https://...')
          // fetch refuses a URL holding credentials, and the logs would show them.
          .refine(
            (u) => !/^https?:\/\/[^/]*@/.test(u),
            'put the user name and password in username and password, not in the URL',
          )
          .default(''),
        username: z.string().default(''),
        password: z.string().default(''),
        /** How often the address book is read and applied. */
        everyMinutes: z.number().int().min(1).max(10_080).default(15),
        /** Deadline of each request to the server, its answer included. */
        timeoutMs: ms(1_000, 300_000, 30_000),
      })
      .strict()
      .prefault({}),
    /** Where contacts' calls go; null: the route's unknown destination. */
    destination: z.string().min(1).nullable().default(null),
  })
  .strict()
  .prefault({});
