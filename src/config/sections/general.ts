import { z } from 'zod';

// `log` and `numbers`.

export const log = z
  .object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict()
  .prefault({});

export const numbers = z
  .object({
    /** Country for numbers that arrive without a country code (ISO 3166 code). */
    defaultCountry: z
      .string()
      .regex(/^[A-Z]{2}$/, 'a two-letter country code such as US or GB')
      .default('US'),
  })
  .strict()
  .prefault({});
