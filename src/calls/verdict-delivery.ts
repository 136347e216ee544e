import type { Logger } from 'pino';
import type { HouseModeName } from '../config/sections/house.js';
import { underHouseMode } from '../policy/house-mode.js';
import type { Verdict } from '../policy/verdict.js';
import type { AfterCall } from './after-call.js';
import { announcedVerdict } from './announced-verdict.js';
import type { AriCallChannel } from './ari-call-channel.js';
import type { CallDeps } from './call-deps.js';
import type { CallFacts } from './call-report.js';
import type { CalleeLeg } from './callee-leg.js';
import { callerNameWithEntry, dialplanVariables } from './dialplan-variables.js';
import type { EventWaiters } from './event-waiters.js';
import { LEASE_VARIABLE } from './router.js';
import type { StepContext } from './steps/step-context.js';

export interface Delivery {
  deps: Pick<CallDeps, 'ari' | 'router' | 'config'>;
  /** Claims a channel the delivery makes (the callee's leg) for this call's events. */
  claimChannel: (channelId: string) => void;
  events: EventWaiters;
  channel: AriCallChannel;
  ctx: StepContext;
  after: AfterCall;
  facts: CallFacts;
  log: Logger;
  /** Doorman is stopping: a conversation it bridged is left to go on without it. */
  stopping: AbortSignal;
  /** The callee accepted: the call's lease must stop, since a conversation may last hours. */
  stopLease: () => void;
  /** Home or away (`house`): where callers who pass go, and whether they are announced. */
  house: HouseModeName;
}

export interface Delivered {
  /** The verdict as carried out (the callee's key may have changed it). */
  verdict: Verdict;
  /** When the caller was bridged to a callee who accepted. */
  connectedAt?: number;
}

/**
 * A verdict reaches Asterisk: put to the person asked for first where `announce` says so, then
 * either bridged to that person (they accepted) or carried out by the Router, with the
 * dialplan variables, the account code and the caller allowlisted where a step found so.
 */
export async function deliverVerdict(d: Delivery, first: Verdict): Promise<Delivered> {
  const { deps, ctx, facts, after, log } = d;
  const { found } = ctx;
  const behaviour = deps.config.house[d.house];
  const announced = await announcedVerdict(
    {
      deps: { ari: deps.ari, events: d.events, claimChannel: d.claimChannel },
      config: deps.config,
      ctx,
      after,
      callerNumber: facts.callerNumber,
      callerName: facts.callerName,
      ...(behaviour.announce ? { announceOverride: behaviour.announce } : {}),
    },
    underHouseMode(first, d.house, behaviour, ctx.route),
  );
  const { verdict } = announced;
  if (announced.callee) return { verdict, connectedAt: await connect(d, announced.callee, verdict) };
  await deps.router.carryOut(facts.channelId, verdict, log, {
    play: (sound) => d.channel.playSound(sound).then(() => {}),
    ...(found.accountCode ? { accountCode: found.accountCode } : {}),
    variables: dialplanVariables(verdict, found),
    // calls.callerNamePrefix: the ringing phone shows whom the caller asked for.
    callerName: deps.config.calls.callerNamePrefix
      ? callerNameWithEntry(found.askedFor, facts.callerName)
      : null,
  });
  if (found.allowlist) after.allowlist(found.allowlist, verdict.destination, facts.callerName);
  return { verdict };
}

/**
 * The callee accepted: the caller is allowlisted at once, the lease stopped, and the two are
 * bridged until either hangs up. Returns, once the conversation is over, the time they were
 * bridged (the call's screening time ends there).
 */
async function connect(d: Delivery, callee: CalleeLeg, verdict: Verdict): Promise<number> {
  const { found } = d.ctx;
  d.stopLease();
  try {
    await d.deps.ari.setVariable(d.facts.channelId, LEASE_VARIABLE, '0');
    if (found.allowlist) d.after.allowlist(found.allowlist, verdict.destination, d.facts.callerName);
    await d.channel.answer();
    const connecting = callee.connect(d.facts.channelId, d.stopping);
    const connectedAt = performance.now();
    d.log.info({ destination: verdict.destination }, 'caller connected to the callee');
    d.log.info({ ended: await connecting }, 'announced call ended');
    return connectedAt;
  } catch (e) {
    await callee.end();
    throw e;
  }
}
