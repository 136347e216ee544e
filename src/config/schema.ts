import { z } from 'zod';
import { NAME_LANGUAGE, NAME_LANGUAGE_HINT } from '../match/name-origin.js';

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

/** How a PIN is asked for and typed. */
const pinEntry = {
  /** Digits in a PIN; 0: any length, ended with `#` (a fixed-length entry also ends early at `#`). */
  length: z.number().int().min(0).max(16).default(0),
  /** Tries, wrong or empty, before the caller is routed on. */
  attempts: z.number().int().min(1).max(10).default(3),
  firstDigitMs: ms(1_000, 60_000, 6_000),
  interDigitMs: ms(500, 30_000, 3_000),
  totalMs: ms(2_000, 120_000, 20_000),
  prompt: z.string().min(1).default('doorman/enter-pin'),
  wrongPrompt: z.string().min(1).default('doorman/wrong-pin'),
};

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
export const ROUTE_CHECKS = ['bypass', 'blocklist', 'allowlist', 'pin', 'challenge'] as const;
export type RouteCheck = (typeof ROUTE_CHECKS)[number];
const INTERACTIVE_CHECKS: readonly RouteCheck[] = ['pin', 'challenge'];

const route = z
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
        'pin and challenge answer the call, so they come after bypass, blocklist and allowlist',
      )
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
    /** Asked again after silence, an ambiguous answer, or (`retryNomatch`) one that named nobody. */
    retryPrompt: z.string().min(1).default('doorman/sorry-again'),
    /** Asked instead when the name heard was one word, and heard badly (`challenge.oneWordNameFit`). */
    fullNamePrompt: z.string().min(1).default('doorman/full-name'),
    /** How many times the question is asked again. */
    retries: z.number().int().min(0).max(5).default(1),
    /**
     * Ask again when the answer named nobody in the directory (a greeting, a garbled or noisy
     * answer, a name the recogniser could not place) instead of routing to `unknown` at once.
     */
    retryNomatch: z.boolean().default(true),
    /** The `pin` check: callers must enter a PIN of this set (B2B lines). */
    pin: routePin.optional(),
  })
  .strict()
  .refine((r) => !r.checks.includes('pin') || r.pin, {
    path: ['pin'],
    message: 'the route lists the pin check, so it needs pin.set',
  });

/** An extension that may call out only after `featureCode` + its PIN. */
const protectedExtension = z
  .object({
    /** Its PIN here; or leave it out and set outboundPin.pinSet or outboundPin.voicemailConf. */
    pin: z
      .string()
      .regex(/^[0-9*]{3,16}$/, '3 to 16 keypad digits')
      .optional(),
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
        /**
         * ...and, on a noisy line, this much louder than the line's noise (the quietest moment
         * of the last two seconds), so hiss is not taken for a caller who never stops talking.
         * 0: the fixed threshold alone.
         */
        noiseMarginDb: z.number().min(0).max(40).default(8),
        /** Voiced time needed before speech is taken to have started (rejects clicks). */
        speechStartMs: ms(20, 2_000, 100),
        /** Silence after speech that ends the answer. */
        endSilenceMs: ms(100, 10_000, 800),
        /** No speech at all within this time: the caller said nothing. */
        noSpeechTimeoutMs: ms(500, 60_000, 5_000),
        /** An answer is cut off after this long (monologues, machines). */
        maxSpeechMs: ms(1_000, 120_000, 20_000),
        /**
         * The recogniser hears this much of the audio before the caller starts speaking, and this
         * much of each pause; the rest of the silence is held back (less CPU, faster decisions,
         * a smaller bill from a paid engine) and sent on only if speech follows it.
         */
        feedBeforeSpeechMs: ms(0, 5_000, 300),
        feedAfterSpeechMs: ms(0, 10_000, 300),
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
        /** Embedded recogniser: also decode each answer as free phones, for `challenge.minAcousticFit` (~40% more CPU). */
        phoneLoop: z.boolean().default(true),
        /** ...for answers decoded while a recognition thread has fewer than this many: above, the grammar alone (keeps real time under load). */
        phoneLoopMaxStreams: z.number().int().min(1).max(1000).default(2),
        /** Recognisers loaded per thread at start; more are made as answers overlap, and kept. */
        poolSize: z.number().int().min(1).max(64).default(1),
        /**
         * Embedded recogniser: espeak-ng languages whose reading of each person's name is also
         * accepted (Agnieszka as Polish says it, Padraig as Irish does). Empty: English only.
         */
        nameLanguages: z
          .array(z.string().regex(NAME_LANGUAGE, NAME_LANGUAGE_HINT))
          .max(30)
          .default(['es', 'it', 'de', 'fr', 'pl', 'ga', 'vi', 'sw', 'zh']),
        /**
         * Embedded recogniser: clean each answer with RNNoise before recognising it (line hiss and
         * hum cost more names than anything else). The recorded answer stays as the caller sent it.
         */
        denoise: z.boolean().default(true),
        /** ...for answers decoded while a recognition thread has fewer than this many (as `phoneLoopMaxStreams`). */
        denoiseMaxStreams: z.number().int().min(1).max(1000).default(3),
        /**
         * Embedded recogniser: when a recognition thread is this far behind the callers' audio, its
         * answers drop the phone loop and RNNoise (and new answers start without them until it
         * catches up), so a machine slower than the limits above assume still decides in time. 0: never.
         */
        shedLagMs: ms(0, 5_000, 150),
        /**
         * Embedded recogniser: answers that start without the phone loop because of load (their
         * names are confirmed, challenge.confirmUnchecked) search at most this many HMMs per frame,
         * for less CPU where the load is. 0: as widely as the others.
         */
        busyMaxHmms: z.number().int().min(0).max(30_000).default(1_000),
        /** Recogniser search beam: smaller is wider (more accurate, more CPU). */
        beam: z.number().positive().max(1).default(1e-80),
        /** Longest wait for the final transcript once the caller stopped talking. */
        finalTimeoutMs: ms(100, 10_000, 2_000),
        /** Words around names (carriers, greetings); empty: the packaged grammars/phrases.yaml. */
        phrasesFile: z.string().default(''),
        /** The second question's questions (challenge.secondQuestion); '' = grammars/questions.yaml. */
        questionsFile: z.string().default(''),
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
        /**
         * Embedded recogniser: an answer whose name fits the audio worse than this (log-likelihood
         * per 10 ms frame of the name below a free phone loop's) is not routed to straight away.
         * Lower lets more doubtful answers through; -1000 turns the check off.
         */
        minAcousticFit: z.number().min(-1000).max(0).default(-80),
        /**
         * ...down to this fit the caller is asked to confirm the name heard ("Did you mean Ann
         * Lee? Press 1"); below it the answer named nobody (nomatch). At or above minAcousticFit:
         * doubtful answers are refused without asking (so minAcousticFit -1000 alone turns the
         * whole check off).
         */
        confirmAcousticFit: z.number().min(-1000).max(0).default(-90),
        /**
         * Embedded recogniser: a name of one word (a first or last name alone, a title and
         * surname, a one-word alias or department) that fits the audio worse than this is
         * neither routed to nor offered to press; the caller is asked for the full name
         * (route.fullNamePrompt). Greetings the grammar forced onto a name end here. -1000: off.
         */
        oneWordNameFit: z.number().min(-1000).max(0).default(-50),
        /**
         * Embedded recogniser: when the name the grammar heard sounds less like the free phones
         * heard over it than another entry does, by more than this (phone similarity, 0..1), the
         * caller is asked which of the two they meant. 1 turns the check off.
         */
        phoneMargin: z.number().min(0).max(1).default(0.05),
        /**
         * Embedded recogniser: a burst of answers too large to check against the audio (the
         * phone loop left out to keep real time: speech.phoneLoopMaxStreams, speech.shedLagMs)
         * has each name it heard confirmed by the caller ("Did you mean Ann Lee? Press 1")
         * instead of routed straight away. false: route unchecked names (more wrong routes).
         */
        confirmUnchecked: z.boolean().default(true),
        /**
         * After a caller names someone, ask one more question at random (grammars/questions.yaml:
         * "What day of the week is it?") and put them through only on the right answer; a wrong
         * answer or none goes to the route's unknown destination, not allowlisted.
         */
        secondQuestion: z.boolean().default(false),
        /** After naming the entries it could not tell apart, how long to wait for a key press. */
        choiceTimeoutMs: ms(1_000, 30_000, 5_000),
        /**
         * A caller who speaks this long over the question is answering: the question stops and
         * what they said counts (barge-in). 0: the question always plays to its end, and speech
         * over it is not heard.
         */
        bargeInMs: ms(0, 5_000, 300),
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
        /**
         * Deadline of each step that talks with the caller (pin, challenge), from answering to
         * its verdict; one that misses it is skipped (or fails closed) as any check.
         */
        interactiveTimeoutMs: ms(10_000, 600_000, 180_000),
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
    pins: z
      .object({
        /** Wrong PINs from one number (or extension) that lock it out, across calls... */
        lockoutFailures: z.number().int().min(1).max(100).default(5),
        /** ...within this many minutes; the lock lifts as they age out. */
        lockoutWindowMinutes: z.number().int().min(1).max(10_080).default(15),
      })
      .strict()
      .prefault({}),
    outboundPin: z
      .object({
        /** Extensions that need a grant to call out, keyed by extension number. */
        extensions: z
          .record(z.string().regex(/^[0-9A-Za-z_+-]{1,32}$/, 'an extension'), protectedExtension)
          .default({}),
        /** A PIN set whose labels are extension numbers: the extension's PIN. */
        pinSet: z.string().default(''),
        /** Asterisk's voicemail.conf: the extension's mailbox PIN (`1001 => 4321,Name,...`). */
        voicemailConf: z.string().default(''),
        voicemailContext: z.string().min(1).default('default'),
        /** What phones dial to enter their PIN (the dialplan line `doorman asterisk-config` prints). */
        featureCode: z
          .string()
          .regex(/^[0-9*#]{1,16}$/, 'keypad digits')
          .default('7777'),
        /** How long a grant lasts. */
        grantSeconds: z.number().int().min(1).max(86_400).default(600),
        ...pinEntry,
        grantedPrompt: z.string().min(1).default('doorman/outbound-granted'),
        refusedPrompt: z.string().min(1).default('doorman/outbound-not-authorised'),
      })
      .strict()
      .prefault({}),
    recordings: z
      .object({ dir: z.string().min(1).default('var/recordings') })
      .strict()
      .prefault({}),
    web: z
      .object({
        /** The admin API; only /health answers without logging in. */
        enabled: z.boolean().default(true),
        /** 127.0.0.1: this machine only. To reach it from elsewhere, put a TLS proxy in front. */
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(8089),
        /** How long a login lasts. */
        sessionHours: z.number().min(0.1).max(720).default(12),
        /** Mark cookies Secure: set when browsers reach Doorman over HTTPS (through a proxy). */
        secureCookies: z.boolean().default(false),
        /** Failed logins allowed per address and per account in a minute; more are answered 429. */
        loginFailuresPerMinute: z.number().int().min(1).max(1000).default(5),
        /** Behind a proxy: take the client's address from X-Forwarded-For (for the login limit). */
        trustProxy: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    webhooks: z
      .object({
        /** Receivers of a signed JSON event for every finished call (a CRM, a ticket system). */
        endpoints: z
          .array(
            z
              .object({
                url: z.url({ protocol: /^https?$/ }),
                /** Signs every delivery (X-Doorman-Signature); share it with the receiver. */
                secret: z.string().min(16, 'at least 16 characters'),
                timeoutMs: ms(500, 60_000, 5_000),
              })
              .strict(),
          )
          .default([]),
        /** Events wait here until delivered (kept across restarts and receiver outages). */
        outboxDir: z.string().min(1).default('var/webhooks'),
        /** How receivers reach this Doorman's API, for recording links (empty: no links). */
        publicUrl: z.string().default(''),
        retryMinMs: ms(100, 60_000, 1_000),
        retryMaxMs: ms(1_000, 3_600_000, 60_000),
      })
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
    routes: z
      .record(z.string().min(1), route)
      .refine((r) => 'default' in r, 'needs a route named default, for numbers no other route names')
      .prefault({ default: { unknown: 'desk' } }),
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
      for (const key of ['unknown', 'machine', 'blocked', 'pin'] as const) {
        const dest = key === 'pin' ? r.pin?.destination : r[key];
        if (dest !== undefined && !(dest in cfg.destinations)) {
          ctx.addIssue({
            code: 'custom',
            path: key === 'pin' ? ['routes', name, 'pin', 'destination'] : ['routes', name, key],
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
