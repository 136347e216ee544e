import { z } from 'zod';
import { ms } from './units.js';

// `directory` (who callers may ask for) and `challenge` (how an answer is judged).

export const directory = z
  .object({
    /** Who callers may ask for, in the YAML exchange format; empty: the sample grammars/directory.yaml. */
    file: z.string().default(''),
  })
  .strict()
  .prefault({});

export const challenge = z
  .object({
    /** A directory entry must score at least this (0..1) to be routed to. */
    acceptScore: z.number().min(0).max(1).default(0.84),
    /** ...and lead the runner-up by this much, or the answer is ambiguous. */
    margin: z.number().min(0).max(1).default(0.05),
    /**
     * Embedded recogniser: an answer whose name fits the audio worse than this (log-likelihood
     * per 10 ms frame of the name below a free phone loop's) is not routed to straight away.
     * Lower lets more doubtful answers through; -1000 turns the check off. A clear answer can fit
     * a little above 0 (the native build's search can beat its phone loop), so 100 doubts every one.
     */
    minAcousticFit: z.number().min(-1000).max(100).default(-80),
    /**
     * ...down to this fit the caller is asked to confirm the name heard ("Did you mean Ann
     * Lee? Press 1"); below it the answer named nobody (nomatch). At or above minAcousticFit:
     * doubtful answers are refused without asking (so minAcousticFit -1000 alone turns the
     * whole check off).
     */
    confirmAcousticFit: z.number().min(-1000).max(0).default(-90),
    /**
     * Embedded recogniser: a name of one word (a first or last name alone, a title and
     * surname, a one-word alias) or a department's name of any length that fits the audio worse than this is
     * neither routed to nor offered to press; the caller is asked for the full name
     * (route.fullNamePrompt). Greetings the grammar forced onto a name end here. -1000: off.
     */
    oneWordNameFit: z.number().min(-1000).max(0).default(-50),
    /**
     * ...but one said after a way of asking of two words or more ("Can I talk to Omar?", "I'm
     * calling for Priya") need only fit this well: greetings forced onto a name come without
     * one, and the words of asking drag the fit of the short name after them down. Never
     * stricter than oneWordNameFit.
     */
    askedNameFit: z.number().min(-1000).max(0).default(-60),
    /**
     * Embedded recogniser: when the name the grammar heard sounds less like the free phones
     * heard over it than another entry does, by more than this (phone similarity, 0..1), the
     * caller is asked which of the two they meant. 1 turns the check off.
     */
    phoneMargin: z.number().min(0).max(1).default(0.05),
    /**
     * ...but the two are read out to choose from only when the answer fits at least this well
     * (a name that sounds like another and also fits badly is most often a caller naming
     * nobody, heard as a name); below, nobody was named, and the caller is asked again.
     * -1000: off.
     */
    rivalFit: z.number().min(-1000).max(0).default(-60),
    /**
     * Embedded recogniser, for large directories: a full name heard with a fit below -40 must
     * also sound like its entry at least this much to the free phones (0..1), or nobody was
     * named. In hundreds of common names a caller naming nobody is heard as one of them as
     * well as a name said. 0: off.
     */
    fullNameSound: z.number().min(0).max(1).default(0),
    /**
     * An answer whose voiced time is longer, by more than this, than its words take to say
     * slowly (150 ms a phone) names nobody: the grammar forced a few of its words onto longer
     * speech that was something else. 0: off.
     */
    unexplainedSpeechMs: z.number().int().min(0).max(60_000).default(1_000),
    /**
     * Embedded recogniser: an answer in which the free phone loop heard more phones than this
     * beyond those its words take to say names nobody: the words account for only part of
     * what was said. 0: off.
     */
    unexplainedPhones: z.number().int().min(0).max(1_000).default(10),
    /**
     * Embedded recogniser: a burst of answers too large to check against the audio (the
     * phone loop left out to keep real time: speech.soundswallower.phoneLoopMaxStreams, speech.soundswallower.shedLagMs)
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
  .prefault({});
