import type { Check } from '../check.js';
import { allowlistCheck } from './allowlist.js';
import { blocklistCheck } from './blocklist.js';
import { bypassCheck } from './bypass.js';

/** The checks that decide before the caller is answered, by the name a route lists them under. */
export const PRE_CHECKS: Readonly<Record<string, Check>> = {
  bypass: bypassCheck,
  blocklist: blocklistCheck,
  allowlist: allowlistCheck,
};
