import { z } from 'zod';

const ms = (min: number, max: number, dflt: number) => z.number().int().min(min).max(max).default(dflt);

/** A dialplan target a verdict can send a call to... */
const dialplanTarget = z
  .object({
    context: z.string().min(1),
    extension: z.string().min(1),
    priority: z.number().int().min(1).default(1),
  })
  .strict();
/** ...or something Doorman does itself: hang up with a cause, or play the SIT tone and hang up. */
export const HANGUP_CAUSES = [
  'normal',
  'busy',
  'congestion',
  'no_answer',
  'rejected',
  'unallocated',
] as const;
const hangupAction = z
  .object({ action: z.literal('hangup'), cause: z.enum(HANGUP_CAUSES).default('normal') })
  .strict();
const sitAction = z.object({ action: z.literal('sit') }).strict();
const destination = z.union([dialplanTarget, hangupAction, sitAction]);

const route = z
  .object({
    /** Where callers go who name nobody in the directory, say nothing, or cannot be screened. */
    unknown: z.string().min(1),
    /** The checks this route runs, in this order (the challenge, if listed, last). */
    checks: z
      .array(z.enum(['bypass', 'blocklist', 'allowlist', 'challenge']))
      .min(1)
      .refine((c) => !c.includes('challenge') || c.at(-1) === 'challenge', 'challenge must come last')
      .refine((c) => new Set(c).size === c.length, 'a check is listed twice')
      .default(['bypass', 'blocklist', 'allowlist', 'challenge']),
    /** A check that fails or times out: skip it (`next`, fail-open) or send the call to `blocked`. */
    onCheckFailure: z.enum(['next', 'blocked']).default('next'),
    /** Where callers on the block list go. */
    blocked: z.string().min(1).default('blocked'),
    /** Treat withheld numbers (anonymous, restricted, unavailable) as blocked. */
    blockAnonymous: z.boolean().default(false),
    /** Where recorded messages (machines) go; the unknown destination when not set. */
    machine: z.string().min(1).optional(),
    /** The prompt asking who they want (a sound name as Asterisk sees it). */
    prompt: z.string().min(1).default('doorman/who-to-speak-to'),
    /** Asked again after silence or an ambiguous answer. */
    retryPrompt: z.string().min(1).default('doorman/sorry-again'),
    /** How many times the question is asked again. */
    retries: z.number().int().min(0).max(5).default(1),
  })
  .strict();

export const configSchema = z
  .object({
    ari: z
      .object({
        url: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8088'),
        username: z.string().min(1).default('doorman'),
        password: z.string().min(1).default('doorman'),
        app: z
          .string()
          .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
          .default('doorman'),
        requestTimeoutMs: ms(100, 60_000, 5_000),
        reconnectMinMs: ms(50, 60_000, 100),
        reconnectMaxMs: ms(100, 300_000, 1_000),
      })
      .strict()
      .prefault({}),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .strict()
      .prefault({}),
    calls: z
      .object({
        /**
         * Seconds Asterisk waits before taking a call back from Doorman (TIMEOUT(absolute)); Doorman
         * renews it while it works, so it only expires if Doorman has died.
         */
        leaseSeconds: z.number().int().min(3).max(3600).default(12),
        promptTimeoutMs: ms(1_000, 120_000, 20_000),
        mediaTimeoutMs: ms(500, 30_000, 5_000),
      })
      .strict()
      .prefault({}),
    listen: z
      .object({
        /** A 20 ms frame louder than this counts as speech. */
        speechThresholdDbfs: z.number().min(-90).max(0).default(-42),
        /** Voiced time needed before speech is taken to have started (rejects clicks). */
        speechStartMs: ms(20, 2_000, 100),
        /** Silence after speech that ends the answer. */
        endSilenceMs: ms(100, 10_000, 800),
        /** No speech at all within this time: the caller said nothing. */
        noSpeechTimeoutMs: ms(500, 60_000, 5_000),
        /** An answer is cut off after this long (monologues, machines). */
        maxSpeechMs: ms(1_000, 120_000, 20_000),
      })
      .strict()
      .prefault({}),
    speech: z
      .object({
        /** `soundswallower` (embedded, offline) or `google` (Cloud Speech-to-Text, streaming). */
        engine: z.enum(['soundswallower', 'google']).default('soundswallower'),
        google: z
          .object({
            /** Service-account key file; empty: Application Default Credentials. */
            keyFile: z.string().default(''),
            model: z.string().min(1).default('phone_call'),
            /** How strongly the directory's names are preferred (speech-context boost). */
            boost: z.number().min(0).max(20).default(10),
            /** Another endpoint than Google's (a proxy, a test server). */
            apiEndpoint: z.string().default(''),
          })
          .strict()
          .prefault({}),
        /** Recognition threads (0: one per core); decoding never runs on the main thread. */
        threads: z.number().int().min(0).max(64).default(0),
        /** Recognisers kept warm for reuse, per thread (each holds ~25 MB of model). */
        poolSize: z.number().int().min(1).max(64).default(4),
        /** Recogniser search beam: smaller is wider (more accurate, more CPU). */
        beam: z.number().positive().max(1).default(1e-80),
        /** Longest wait for the final transcript once the caller stopped talking. */
        finalTimeoutMs: ms(100, 10_000, 2_000),
        /** Words around names (carriers, greetings); empty: the packaged grammars/phrases.yaml. */
        phrasesFile: z.string().default(''),
      })
      .strict()
      .prefault({}),
    directory: z
      .object({
        /** Who callers may ask for, in the YAML exchange format; empty: the sample grammars/directory.yaml. */
        file: z.string().default(''),
      })
      .strict()
      .prefault({}),
    challenge: z
      .object({
        /** A directory entry must score at least this (0..1) to be routed to. */
        acceptScore: z.number().min(0).max(1).default(0.84),
        /** ...and lead the runner-up by this much, or the answer is ambiguous. */
        margin: z.number().min(0).max(1).default(0.05),
        /** After naming the entries it could not tell apart, how long to wait for a key press. */
        choiceTimeoutMs: ms(1_000, 30_000, 5_000),
        /** Speech longer than this is taken for a recorded message (a machine). */
        machineSpeechMs: ms(1_000, 120_000, 7_000),
        /** So is an answer of more words than this. */
        machineWords: z.number().int().min(1).max(500).default(20),
      })
      .strict()
      .prefault({}),
    store: z
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
      .prefault({}),
    numbers: z
      .object({
        /** Country for numbers that arrive without a country code (ISO 3166 code). */
        defaultCountry: z
          .string()
          .regex(/^[A-Z]{2}$/, 'a two-letter country code such as US or GB')
          .default('US'),
      })
      .strict()
      .prefault({}),
    checks: z
      .object({
        /** Deadline of each check (bypass, blocklist, allowlist); a check that misses it is skipped. */
        timeoutMs: ms(20, 10_000, 800),
      })
      .strict()
      .prefault({}),
    outbound: z
      .object({
        /** Allowlist every number dialled out through these endpoints (source `outbound`). */
        enabled: z.boolean().default(true),
        /** ARI endpoints of the outbound trunks, e.g. `PJSIP/trunk`. */
        trunks: z
          .array(z.string().regex(/^[A-Za-z0-9_-]+\/[^\s]+$/, 'TECH/name, e.g. PJSIP/trunk'))
          .default([]),
      })
      .strict()
      .prefault({}),
    recordings: z
      .object({ dir: z.string().min(1).default('var/recordings') })
      .strict()
      .prefault({}),
    destinations: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'lower-case name'), destination).default({
      desk: { context: 'doorman-destinations', extension: 'desk', priority: 1 },
      voicemail: { context: 'doorman-destinations', extension: 'voicemail', priority: 1 },
      machines: { context: 'doorman-destinations', extension: 'machines', priority: 1 },
      blocked: { context: 'doorman-destinations', extension: 'blocked', priority: 1 },
      fallback: { context: 'doorman-destinations', extension: 'fallback', priority: 1 },
      hangup: { action: 'hangup', cause: 'normal' },
      sit: { action: 'sit' },
    }),
    /** Keyed by the Stasis argument (the DID); `default` serves every other call. */
    routes: z.record(z.string().min(1), route).prefault({ default: { unknown: 'desk' } }),
    /** Where `doorman call` places simulated calls (the Asterisk sandbox). */
    simulator: z
      .object({
        /** Folder (on this host) Asterisk reads simulated callers' audio from. */
        soundsDir: z.string().min(1).default('/opt/doorman-asterisk/usr/share/asterisk/sounds/doorman-sim'),
        /** The same folder as Asterisk names it in Playback(). */
        soundsName: z.string().min(1).default('doorman-sim'),
        inboundContext: z.string().min(1).default('from-pstn'),
        callerContext: z.string().min(1).default('caller-sim'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    for (const [name, r] of Object.entries(cfg.routes)) {
      for (const key of ['unknown', 'machine', 'blocked'] as const) {
        const dest = r[key];
        if (dest !== undefined && !(dest in cfg.destinations)) {
          ctx.addIssue({
            code: 'custom',
            path: ['routes', name, key],
            message: `names no destination (known: ${Object.keys(cfg.destinations).join(', ')})`,
          });
        }
      }
    }
    if (cfg.ari.reconnectMinMs > cfg.ari.reconnectMaxMs) {
      ctx.addIssue({
        code: 'custom',
        path: ['ari', 'reconnectMinMs'],
        message: 'must not exceed ari.reconnectMaxMs',
      });
    }
  });

export type Config = z.infer<typeof configSchema>;
export type Destination = z.infer<typeof destination>;
export type DialplanDestination = z.infer<typeof dialplanTarget>;
export type Route = z.infer<typeof route>;
