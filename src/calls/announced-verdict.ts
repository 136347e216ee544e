import type { Config } from '../config/schema.js';
import type { AnnounceMode } from '../config/sections/announce.js';
import { announceOutcome, decisionText, shouldAnnounce } from '../policy/announce.js';
import type { Verdict } from '../policy/verdict.js';
import type { AfterCall } from './after-call.js';
import { type AnnouncementDeps, announce } from './announcement.js';
import type { CalleeLeg } from './callee-leg.js';
import { challengeStep } from './steps/challenge.js';
import type { StepContext } from './steps/step-context.js';

export interface AnnouncedVerdict {
  verdict: Verdict;
  /** The callee accepted: their leg, up, for the session to bridge with the caller. */
  callee?: CalleeLeg;
}

export interface AnnounceCall {
  deps: Omit<AnnouncementDeps, 'log' | 'config'>;
  config: Config;
  ctx: StepContext;
  after: AfterCall;
  callerNumber: string;
  callerName: string;
  /** The house mode's `announce`, over the entry's, the destination's and the route's. */
  announceOverride?: AnnounceMode;
}

/**
 * A verdict on its way to a person, put to that person first where `announce` says so
 * (policy/announce.ts): the callee's key decides where the caller goes and what the lists
 * learn. "Not for me" asks the caller once more; a verdict that is not announced is returned
 * as it came.
 */
export async function announcedVerdict(
  call: AnnounceCall,
  verdict: Verdict,
  askedAgain = false,
): Promise<AnnouncedVerdict> {
  const { ctx, config } = call;
  const { found, route } = ctx;
  const target = config.destinations[verdict.destination];
  if (!target || 'action' in target) return { verdict };
  const answer = verdict.check === 'challenge' ? found.answer : undefined;
  const entry = answer?.entry ? ctx.challenge.entries.find((e) => e.id === answer.entry) : undefined;
  const allowSource =
    verdict.check === 'allowlist' ? (await ctx.lists().catch(() => null))?.allow?.source : undefined;
  const due = shouldAnnounce(verdict, {
    modes: call.announceOverride
      ? [call.announceOverride]
      : [entry?.announce, target.announce, route.announce],
    named: answer?.outcome === 'match' && verdict.destination === entry?.destination,
    unsure: answer?.chosen === true || answer?.checked === false,
    ...(allowSource ? { allowSource } : {}),
  });
  if (!due) return { verdict };
  ctx.publish({ type: 'step', step: 'announcing the caller' });
  const announced = await announce(
    { ...call.deps, config, log: ctx.log },
    {
      callerChannelId: ctx.channel.id,
      // Only the allowlist's callers reach a person without a question that answered them.
      callerAnswered: verdict.check !== 'allowlist',
      signal: ctx.channel.signal,
      target,
      ...(found.askedFor && answer ? { askedFor: found.askedFor } : {}),
      callerNumber: call.callerNumber,
      callerName: call.callerName,
      recording: answer?.recording ?? null,
    },
  );
  const { decision, waitedMs, firstAudioMs } = announced;
  ctx.timings.announceMs = waitedMs;
  if (firstAudioMs !== undefined) ctx.timings.announceFirstAudioMs = firstAudioMs;
  const said = decisionText(decision);
  ctx.trace({
    check: 'announce',
    result: 'route',
    ms: waitedMs,
    detail: `${said}; the caller waited ${(waitedMs / 1_000).toFixed(1)} s`,
  });
  ctx.log.info({ decision, waitedMs: Math.round(waitedMs) }, 'callee decided');
  const outcome = announceOutcome(decision, {
    voicemail: entry?.voicemail ?? config.announce.voicemail,
    blocked: route.blocked,
    noDecision: config.announce.noDecision,
    unknown: route.unknown,
    askedAgain,
  });
  const by = `callee (${target.extension})`;
  const person = found.askedFor ?? verdict.destination;
  const whom = found.askedFor ? `asked for ${person}` : `sent to ${person}`;
  if (outcome.kind === 'connect') {
    const { expiresAt } = found.allowlist ?? {};
    found.allowlist = { ...outcome.allow, addedBy: by, note: `${whom}, ${outcome.allow.note}` };
    if (expiresAt && outcome.allow.source === 'screened') found.allowlist.expiresAt = expiresAt;
    return {
      verdict: { ...verdict, reason: `${verdict.reason}; ${said}` },
      ...(announced.callee ? { callee: announced.callee } : {}),
    };
  }
  delete found.allowlist;
  if (outcome.kind === 'route') {
    if (outcome.block)
      call.after.block(
        { source: 'phone', addedBy: by, note: `${whom}, ${outcome.block.note}` },
        call.callerName,
      );
    return { verdict: { kind: 'route', destination: outcome.destination, reason: said, check: 'announce' } };
  }
  // Not for me: the caller is asked once more, and whoever else they name then decides as before.
  const notFor = answer?.entry;
  await ctx.channel.closeMedia();
  const again = await challengeStep.run({
    ...ctx,
    route: { ...route, retries: 0, prompt: route.retryPrompt },
    recordAs: `${ctx.channel.id}-not-for-me`,
  });
  await ctx.channel.closeMedia();
  const same = again.kind === 'route' && again.check === 'challenge' && found.answer?.entry === notFor;
  const next: Verdict =
    again.kind === 'route' && !same
      ? again
      : {
          kind: 'route',
          destination: route.unknown,
          reason: `not for ${person}`,
          check: 'announce',
        };
  return announcedVerdict(call, next, true);
}
