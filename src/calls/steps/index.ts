import type { RouteCheck } from '../../config/schema.js';
import { allowlistCheck } from '../../policy/checks/allowlist.js';
import { blocklistCheck } from '../../policy/checks/blocklist.js';
import { bypassCheck } from '../../policy/checks/bypass.js';
import { floodCheck } from '../../policy/checks/flood.js';
import { challengeStep } from './challenge.js';
import { pinStep } from './pin.js';
import type { CallStep } from './step-context.js';

/**
 * Every step a route can list in `checks`, by that name. A new step is one file here plus its
 * name in the config schema's `ROUTE_CHECKS`.
 */
export const CALL_STEPS: Readonly<Record<RouteCheck, CallStep>> = {
  bypass: bypassCheck,
  blocklist: blocklistCheck,
  allowlist: allowlistCheck,
  flood: floodCheck,
  pin: pinStep,
  challenge: challengeStep,
};
