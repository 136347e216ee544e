import { z } from 'zod';

// `phones`: what the PBX's own phones can do to the lists for the caller they just had.

const featureCode = z.string().regex(/^[0-9*#]{1,16}$/, 'keypad digits');

export const phones = z
  .object({
    /** Dialled after a call: allowlist the last caller to this phone (with its destination). */
    allowLastCode: featureCode.default('*30'),
    /** Dialled after a call: block the last caller to this phone. */
    blockLastCode: featureCode.default('*31'),
    /**
     * Dialled after a call, then another extension's number and #: the last caller to this
     * phone is put through to that extension's destination from now on.
     */
    refileLastCode: featureCode.default('*32'),
    /**
     * Each phone's extension and the destination whose callers it answers: "the last caller"
     * is the last one Doorman sent there, and re-filing to the extension sends callers there.
     * A phone not listed here acts on the last caller Doorman sent anywhere.
     */
    extensions: z
      .record(z.string().regex(/^[0-9]{1,16}$/, 'an extension number'), z.string().min(1))
      .default({}),
    /**
     * Dialled, then a phone number and #: a call from that number is expected (a bank's
     * callback) and put through to this phone's destination for `expectHours`.
     */
    expectCode: featureCode.default('*33'),
    /** How long a pass made from a phone (`expectCode`) lasts. */
    expectHours: z.number().min(0.25).max(72).default(4),
    /** How far back the last caller is looked for. */
    lastCallerHours: z.number().min(0.1).max(720).default(24),
  })
  .strict()
  .prefault({});
