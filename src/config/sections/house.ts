import { z } from 'zod';
import { announceMode } from './announce.js';

// `house`: what changes while the house is empty ("away") or someone is home, switched over
// MQTT (Home Assistant), the admin API or `doorman house`.

const behaviour = z
  .object({
    /** Callers who pass screening go here instead of their own destination (voicemail while away). */
    destination: z.string().min(1).optional(),
    /** Announce every caller who passes (the person at home decides), or never; over routes' and entries'. */
    announce: announceMode.optional(),
  })
  .strict()
  .prefault({});

export const HOUSE_MODES = ['home', 'away'] as const;
export type HouseModeName = (typeof HOUSE_MODES)[number];

export const house = z
  .object({
    home: behaviour,
    away: behaviour,
  })
  .strict()
  .prefault({});

export type HouseBehaviour = z.infer<typeof behaviour>;
