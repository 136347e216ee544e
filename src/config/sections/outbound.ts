import { z } from 'zod';
import { pinEntry } from './pins.js';

// `outbound` (numbers dialled out are allowlisted) and `outboundPin` (extensions that need a PIN
// to call out).

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

export const outbound = z
  .object({
    /** Allowlist every number dialled out through these endpoints (source `outbound`). */
    enabled: z.boolean().default(true),
    /** ARI endpoints of the outbound trunks, e.g. `PJSIP/trunk`. */
    trunks: z.array(z.string().regex(/^[A-Za-z0-9_-]+\/[^\s]+$/, 'TECH/name, e.g. PJSIP/trunk')).default([]),
  })
  .strict()
  .prefault({});

export const outboundPin = z
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
  .prefault({});
