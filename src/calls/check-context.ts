import { isDestination } from '../config/destinations.js';
import type { Route } from '../config/schema.js';
import { type CallerNumber, normalizeNumber } from '../match/caller-id.js';
import { attestationFrom } from '../policy/attestation.js';
import type { CheckContext } from '../policy/check.js';
import type { CallDeps } from './call-deps.js';
import type { CallFacts } from './call-report.js';
import type { StepContext } from './steps/step-context.js';

/** What the pre-answer checks may ask about one call: one list lookup, shared, its hits counted on the side. */
export function checkContext(
  caller: CallerNumber,
  facts: CallFacts,
  route: Route,
  deps: Pick<
    CallDeps,
    'copy' | 'ari' | 'writes' | 'bypass' | 'config' | 'nameRules' | 'numberRules' | 'callRate'
  >,
): CheckContext {
  let lists: ReturnType<CheckContext['lists']> | undefined;
  let listsCopyAgeMs: number | undefined;
  // The number dialled, for neighbour rules: read once, though both list checks ask.
  const called = normalizeNumber(facts.did, deps.config.numbers.defaultCountry).key;
  return {
    caller,
    callerName: facts.callerName,
    did: facts.did,
    route,
    now: new Date(),
    lists: () => {
      lists ??= deps.copy
        .read((s) => s.lookup(caller.key, facts.did))
        .then(({ value: r, copyAgeMs }) => {
          listsCopyAgeMs = copyAgeMs;
          // Counting the hit must not hold up the call.
          for (const e of [r.allow, r.block]) {
            if (e) deps.writes.write({ op: 'recordHit', id: e.id }).catch(() => {});
          }
          return r;
        });
      return lists;
    },
    copyAgeMs: () => listsCopyAgeMs ?? deps.copy.inUseAgeMs(),
    attestation: async () => {
      // Asterisk's STIR_SHAKEN() on the call's channel: what res_stir_shaken verified of the
      // INVITE's Identity header (nothing on channels that did not come in over PJSIP).
      const read = (fn: string) =>
        deps.ari.getVariable(facts.channelId, `STIR_SHAKEN(${fn})`).catch(() => '');
      const count = await read('count');
      if (!(Number(count) > 0)) return attestationFrom(count, '', '');
      const [result, level] = await Promise.all([read('0,verify_result'), read('0,attestation')]);
      return attestationFrom(count, result, level);
    },
    bypass: () => deps.bypass.get(),
    flooded: () => deps.callRate.admit(caller.key, Date.now()),
    hasDestination: (name) => isDestination(deps.config.destinations, name),
    nameRule: async (list) => (await deps.nameRules.get()).match(facts.callerName, list),
    numberRule: async (list) => (await deps.numberRules.get()).match(list, caller.key, called),
  };
}

/** What a route's steps may use: the checks' questions about the caller, and the call's channel. */
export function stepContext(
  caller: CallerNumber,
  facts: CallFacts,
  route: Route,
  deps: Pick<
    CallDeps,
    | 'copy'
    | 'ari'
    | 'writes'
    | 'bypass'
    | 'config'
    | 'nameRules'
    | 'numberRules'
    | 'callRate'
    | 'challenge'
    | 'recordings'
    | 'pins'
  >,
  call: Pick<StepContext, 'channel' | 'log' | 'publish' | 'timings' | 'found' | 'trace'>,
): StepContext {
  return {
    ...checkContext(caller, facts, route, deps),
    route,
    caller,
    config: deps.config,
    challenge: deps.challenge,
    recordings: deps.recordings,
    pins: deps.pins,
    ...call,
  };
}
