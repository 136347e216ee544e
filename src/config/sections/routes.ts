import { z } from 'zod';
import { announceMode } from './announce.js';
import { pinEntry } from './pins.js';
import { ms } from './units.js';

// `routes` (what happens to a call, keyed by the number called) and `checks` (their deadlines).

const routePin = z
  .object({
    /** The PIN set whose PINs open this route (`doorman pins ...`). */
    set: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a PIN set name'),
    /** Where a caller with a right PIN goes; the route's unknown destination when not set. */
    destination: z.string().min(1).optional(),
    /** Also allowlist the caller's number (source `pin`) with that destination. */
    allowlist: z.boolean().default(false),
    ...pinEntry,
  })
  .strict();

/** The steps a route can list, by name (src/calls/steps/index.ts has the step of each). */
export const ROUTE_CHECKS = ['bypass', 'blocklist', 'allowlist', 'flood', 'pin', 'challenge'] as const;
export type RouteCheck = (typeof ROUTE_CHECKS)[number];
/** The steps that answer the call (their step files say so too; a unit test keeps the two alike). */
export const INTERACTIVE_CHECKS: readonly RouteCheck[] = ['pin', 'challenge'];

export const route = z
  .object({
    /** Where callers go who name nobody in the directory, say nothing, or cannot be screened. */
    unknown: z.string().min(1),
    /** The checks this route runs, in this order (the challenge, if listed, last). */
    checks: z
      .array(z.enum(ROUTE_CHECKS))
      .min(1)
      .refine((c) => !c.includes('challenge') || c.at(-1) === 'challenge', 'challenge must come last')
      .refine(
        (c) =>
          c.every(
            (x, i) =>
              INTERACTIVE_CHECKS.includes(x) || !c.slice(0, i).some((y) => INTERACTIVE_CHECKS.includes(y)),
          ),
        'pin and challenge answer the call, so they come after bypass, blocklist, allowlist and flood',
      )
      .refine((c) => new Set(c).size === c.length, 'a check is listed twice')
      .default(['bypass', 'blocklist', 'allowlist', 'challenge']),
    /** A check that fails or times out: skip it (`next`, fail-open) or send the call to `blocked`. */
    onCheckFailure: z.enum(['next', 'blocked']).default('next'),
    /** Where callers on the block list go. */
    blocked: z.string().min(1).default('blocked'),
    /** Where the `flood` check sends a caller over a limit (`floods`); `blocked` when not set. */
    flooded: z.string().min(1).optional(),
    /** Treat withheld numbers (anonymous, restricted, unavailable) as blocked. */
    blockAnonymous: z.boolean().default(false),
    /**
     * An allowlisted number goes straight through only when Asterisk verified its call's
     * STIR/SHAKEN attestation at this level or better (A full, B partial, C gateway); otherwise it
     * is screened like anyone (a spoofed number). `off`: the allow list is trusted as it is.
     */
    allowlistAttestation: z.enum(['off', 'A', 'B', 'C']).default('off'),
    /** Where recorded messages (machines) go; the unknown destination when not set. */
    machine: z.string().min(1).optional(),
    /** The prompt asking who they want (a sound name as Asterisk sees it). */
    prompt: z.string().min(1).default('doorman/who-to-speak-to'),
    /** Asked again after silence, an ambiguous answer, or (`retryNomatch`) one that named nobody. */
    retryPrompt: z.string().min(1).default('doorman/sorry-again'),
    /** Asked instead when the name heard was one word, and heard badly (`challenge.oneWordNameFit`). */
    fullNamePrompt: z.string().min(1).default('doorman/full-name'),
    /** Played while Doorman hears a caller who named someone out (`listen.holdMs`). */
    holdPrompt: z.string().min(1).default('doorman/thank-you'),
    /** How many times the question is asked again. */
    retries: z.number().int().min(0).max(5).default(1),
    /**
     * Ask again when the answer named nobody in the directory (a greeting, a garbled or noisy
     * answer, a name the recogniser could not place) instead of routing to `unknown` at once.
     */
    retryNomatch: z.boolean().default(true),
    /**
     * Whether a caller is announced to the person they asked for, who takes a key (accept,
     * voicemail, block, always allow, not for me) before the caller is put through
     * (`announce` has the timings). A destination or a directory entry may say otherwise.
     */
    announce: announceMode.default('never'),
    /** The `pin` check: callers must enter a PIN of this set (B2B lines). */
    pin: routePin.optional(),
  })
  .strict()
  .refine((r) => !r.checks.includes('pin') || r.pin, {
    path: ['pin'],
    message: 'the route lists the pin check, so it needs pin.set',
  });

/** Keyed by the Stasis argument (the DID); `default` serves every other call. */
export const routes = z
  .record(z.string().min(1), route)
  .refine((r) => 'default' in r, 'needs a route named default, for numbers no other route names')
  .prefault({ default: { unknown: 'desk' } });

/** The `flood` check's limits, counted by each Doorman over the calls that reach the check. */
export const floods = z
  .object({
    /** More calls than this from one number within `perNumberMinutes` are flooded; 0: no limit. */
    perNumberCalls: z.number().int().min(0).max(1_000).default(5),
    perNumberMinutes: z.number().min(1).max(1_440).default(10),
    /** More calls than this in all within `allSeconds` are flooded; 0: no limit. */
    allCalls: z.number().int().min(0).max(100_000).default(0),
    allSeconds: z.number().int().min(1).max(3_600).default(60),
  })
  .strict()
  .prefault({});

export const checks = z
  .object({
    /** Deadline of each check (bypass, blocklist, allowlist); a check that misses it is skipped. */
    timeoutMs: ms(20, 10_000, 800),
    /**
     * Deadline of each step that talks with the caller (pin, challenge), from answering to
     * its verdict; one that misses it is skipped (or fails closed) as any check.
     */
    interactiveTimeoutMs: ms(10_000, 600_000, 180_000),
  })
  .strict()
  .prefault({});
