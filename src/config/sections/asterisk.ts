import { z } from 'zod';
import { ms } from './units.js';

// `ari` (the connection to Asterisk), `calls` (each call's lease and media deadlines) and
// `simulator` (where `doorman call` places simulated calls).

export const ari = z
  .object({
    url: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8088'),
    username: z.string().min(1).default('doorman'),
    password: z.string().min(1).default('doorman'),
    app: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
      .default('doorman'),
    /**
     * The app name of a second Doorman for the same Asterisk (`doorman asterisk-config` writes it
     * into the dialplan): calls go to it while this one is not connected, and a call this one
     * dropped mid-way (its lease ran out) is screened by it before the unscreened fallback.
     */
    secondApp: z
      .string()
      .regex(/^([A-Za-z0-9_-]+)?$/, 'letters, digits, _ and - only')
      .default(''),
    requestTimeoutMs: ms(100, 60_000, 5_000),
    reconnectMinMs: ms(50, 60_000, 100),
    reconnectMaxMs: ms(100, 300_000, 1_000),
  })
  .strict()
  .refine((a) => a.secondApp !== a.app, {
    message: 'ari.secondApp must differ from ari.app',
    path: ['secondApp'],
  })
  .prefault({});

export const calls = z
  .object({
    /**
     * Seconds Asterisk waits before taking a call back from Doorman (TIMEOUT(absolute)); Doorman
     * renews it while it works, so it only expires if Doorman has died.
     */
    leaseSeconds: z.number().int().min(3).max(3600).default(12),
    promptTimeoutMs: ms(1_000, 120_000, 20_000),
    mediaTimeoutMs: ms(500, 30_000, 5_000),
    /** Put whom the caller asked for before their caller-ID name ("[Alice Johnson] ACME INC"). */
    callerNamePrefix: z.boolean().default(false),
  })
  .strict()
  .prefault({});

/** Where `doorman call` places simulated calls (the Asterisk sandbox). */
export const simulator = z
  .object({
    /** Folder (on this host) Asterisk reads simulated callers' audio from. */
    soundsDir: z.string().min(1).default('/opt/doorman-asterisk/usr/share/asterisk/sounds/doorman-sim'),
    /** The same folder as Asterisk names it in Playback(). */
    soundsName: z.string().min(1).default('doorman-sim'),
    inboundContext: z.string().min(1).default('from-pstn'),
    callerContext: z.string().min(1).default('caller-sim'),
  })
  .strict()
  .prefault({});
