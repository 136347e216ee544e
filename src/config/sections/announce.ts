import { z } from 'zod';
import { ms } from './units.js';

// `announce`: calls put to the person asked for, who hears who is calling and takes a key.

/**
 * When a caller is announced before being put through: `always`, `when-unsure` (the answer
 * was confirmed by key, chosen from several names, or left unchecked under load) or `never`.
 * A route sets it for its callers; a destination or a directory entry overrides the route.
 */
export const ANNOUNCE_MODES = ['always', 'when-unsure', 'never'] as const;
export const announceMode = z.enum(ANNOUNCE_MODES);
export type AnnounceMode = z.infer<typeof announceMode>;

export const announce = z
  .object({
    /** How long the person asked for is rung before the caller goes to `noDecision`. */
    ringSeconds: z.number().int().min(5).max(120).default(25),
    /** How long the callee has, after the announcement ends, to press a key. */
    keyTimeoutMs: ms(2_000, 60_000, 10_000),
    /** Key 2: where the caller goes when the directory entry names no `voicemail` of its own. */
    voicemail: z.string().min(1).default('voicemail'),
    /** No key in time, no answer, or the callee hung up: where the caller goes. */
    noDecision: z.string().min(1).default('voicemail'),
    /** What the caller hears while the callee is rung and told (an ARI media URI). */
    hold: z
      .string()
      .regex(/^(tone|sound):[A-Za-z0-9/_;=.-]+$/, 'tone:<name> or sound:<name>')
      .default('tone:ring'),
  })
  .strict()
  .prefault({});
