import { z } from 'zod';
import { announceMode } from './announce.js';

// `destinations`: where a verdict can send a call, by name (routes name them).

/** A dialplan target a verdict can send a call to... */
export const dialplanTarget = z
  .object({
    context: z.string().min(1),
    extension: z.string().min(1),
    priority: z.number().int().min(1).default(1),
    /** Announce callers sent here, whatever their route says (`routes.<name>.announce`). */
    announce: announceMode.optional(),
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
export const destination = z.union([dialplanTarget, hangupAction, sitAction]);

export const destinations = z
  .record(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'lower-case name'), destination)
  .default({
    desk: { context: 'doorman-destinations', extension: 'desk', priority: 1 },
    voicemail: { context: 'doorman-destinations', extension: 'voicemail', priority: 1 },
    machines: { context: 'doorman-destinations', extension: 'machines', priority: 1 },
    blocked: { context: 'doorman-destinations', extension: 'blocked', priority: 1 },
    fallback: { context: 'doorman-destinations', extension: 'fallback', priority: 1 },
    hangup: { action: 'hangup', cause: 'normal' },
    sit: { action: 'sit' },
  });
