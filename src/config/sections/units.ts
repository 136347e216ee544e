import { z } from 'zod';

/** A duration in milliseconds: a whole number from `min` to `max`, `dflt` when not set. */
export const ms = (min: number, max: number, dflt: number) =>
  z.number().int().min(min).max(max).default(dflt);
