import { z } from 'zod';
import { NAME_LANGUAGE, NAME_LANGUAGE_HINT } from '../../match/name-origin.js';
import { ms } from './units.js';

// `listen` (when an answer starts and ends) and `speech` (the recogniser that hears it).

export const listen = z
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
    /**
     * After an answer that names someone (to route to, or to offer), listening goes on this
     * long, while the caller hears the route's holdPrompt ("Thank you."), before anything is
     * done with it: a recorded message whose first words name someone, then pause, is heard
     * out. 0: act on the answer at once.
     */
    holdMs: ms(0, 10_000, 2_000),
    /**
     * A caller who speaks this long (voiced, without a break) during the hold had not finished:
     * what follows is heard as the rest of the same answer, and the whole is decided on (its
     * speech adds up to challenge.machineSpeechMs).
     */
    talkOverMs: ms(20, 5_000, 300),
  })
  .strict()
  .prefault({});

export const speech = z
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
    /** The embedded recogniser (PocketSphinx via the soundswallower package): offline, in worker threads. */
    soundswallower: z
      .object({
        /**
         * Which build of PocketSphinx decodes: 'native' (Debian's libpocketsphinx3, in child
         * processes), 'wasm' (the soundswallower package, in worker threads), 'auto': native where
         * the library loads, else wasm. Native where it can: it routes as many names or more and
         * lets fewer callers naming nobody through, for about half the CPU (README, Benchmarks).
         */
        runtime: z.enum(['auto', 'native', 'wasm']).default('auto'),
        /** The native library, by file name (found as the system finds libraries) or path. */
        nativeLibrary: z.string().min(1).default('libpocketsphinx.so.3'),
        /** Recognition threads (0: one per core); decoding never runs on the main thread. */
        threads: z.number().int().min(0).max(64).default(0),
        /** Also decode each answer as free phones, for `challenge.minAcousticFit` (~40% more CPU). */
        phoneLoop: z.boolean().default(true),
        /**
         * ...for answers decoded while a recognition worker has fewer than this many: above, the
         * grammar alone (keeps real time under load). 0: as the build holds (BUILD_STREAM_LIMITS).
         */
        phoneLoopMaxStreams: z.number().int().min(0).max(1000).default(0),
        /** Recognisers loaded per thread at start; more are made as answers overlap, and kept. */
        poolSize: z.number().int().min(1).max(64).default(1),
        /**
         * espeak-ng languages whose reading of each person's name is also
         * accepted (Agnieszka as Polish says it, Padraig as Irish does). Empty: English only.
         */
        nameLanguages: z
          .array(z.string().regex(NAME_LANGUAGE, NAME_LANGUAGE_HINT))
          .max(30)
          .default(['es', 'it', 'de', 'fr', 'pl', 'ga', 'vi', 'sw', 'zh']),
        /**
         * Clean each answer with RNNoise before recognising it (line hiss and
         * hum cost more names than anything else). The recorded answer stays as the caller sent it.
         */
        denoise: z.boolean().default(true),
        /** ...for answers decoded while a recognition worker has fewer than this many (as `phoneLoopMaxStreams`). */
        denoiseMaxStreams: z.number().int().min(0).max(1000).default(0),
        /**
         * When a recognition thread is this far behind the callers' audio, its
         * answers drop RNNoise (at half this their other warps, keeping the best so far), and
         * at twice this their phone loops, one answer's at a time (and
         * new answers start without them until it catches up), so a machine slower than the
         * limits above assume still decides in time. 0: never.
         */
        shedLagMs: ms(0, 5_000, 150),
        /**
         * Most HMMs the grammar search keeps per frame (PocketSphinx's `maxhmmpf`: past it, the
         * frame's beam narrows to the best ones). What a large directory's search costs grows with
         * its names; this bounds it. 30000: in effect unlimited.
         */
        maxHmms: z.number().int().min(100).max(30_000).default(3_000),
        /**
         * Answers that start without the phone loop because of load (their
         * names are confirmed, challenge.confirmUnchecked) search at most this many HMMs per frame,
         * for less CPU where the load is. 0: as widely as the others.
         */
        busyMaxHmms: z.number().int().min(0).max(30_000).default(1_000),
        /**
         * Frequency warps each answer is decoded through at once (vocal tract length
         * normalisation: below 1 suits longer vocal tracts, above 1 shorter ones); the answer is
         * what the warp whose grammar search scores it best heard. Each other warp costs a grammar
         * search (the answer's one phone loop is the kept warp's), so a thread that falls behind
         * (shedLagMs) keeps the best so far, and answers started while it is behind use the first
         * alone. [1]: no warping.
         */
        warps: z.array(z.number().min(0.7).max(1.3)).min(1).max(5).default([1, 0.9, 1.1]),
        /** ...but only while a recognition worker decodes fewer live answers than this (0: as the build holds). */
        warpMaxStreams: z.number().int().min(0).max(1000).default(0),
        /**
         * Keep the warp whose search scores best after this much of an answer's audio (as the
         * recogniser is given it: from `listen.feedBeforeSpeechMs` before the first word), and drop
         * the others for the rest of it, instead of decoding every warp to the end: less CPU per
         * answer (most with large directories), the warp chosen on less of the voice. 0: at the end.
         */
        warpChooseMs: ms(0, 60_000, 0),
        /** Recogniser search beam: smaller is wider (more accurate, more CPU). */
        beam: z.number().positive().max(1).default(1e-80),
      })
      .strict()
      .prefault({}),
    /** Longest wait for the final transcript once the caller stopped talking. */
    finalTimeoutMs: ms(100, 10_000, 2_000),
    /** Words around names (carriers, greetings); empty: the packaged grammars/phrases.yaml. */
    phrasesFile: z.string().default(''),
    /** The second question's questions (challenge.secondQuestion); '' = grammars/questions.yaml. */
    questionsFile: z.string().default(''),
  })
  .strict()
  .prefault({});
