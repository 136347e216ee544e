import { runChallenge } from '../../challenge/dialogue.js';
import { challengeVerdict, entryDestination } from '../../challenge/verdict.js';
import type { CallStep } from './step-context.js';

/**
 * The `challenge` step: asks who the caller wants (challenge/dialogue.ts) and routes on the
 * answer; a caller who named someone with a destination here is allowlisted once routed.
 */
export const challengeStep: CallStep = {
  name: 'challenge',
  interactive: true,
  doing: 'asking who they want',
  async run(ctx) {
    const answer = await runChallenge(ctx, ctx.timings);
    ctx.found.answer = answer;
    const { entries } = ctx.challenge;
    const { destinations } = ctx.config;
    const destination = entryDestination(answer, entries, destinations);
    const entry = answer.outcome === 'match' ? entries.find((e) => e.id === answer.entry) : undefined;
    if (entry) ctx.found.askedFor = entry.name;
    const { second } = answer;
    if (answer.outcome === 'match' && second?.passed !== false && !destination) {
      ctx.log.warn({ entry: answer.entry }, 'directory entry names no configured destination');
    }
    if (second) {
      // Shown with the other checks in the screening log; the verdict says only what failed.
      ctx.trace({
        check: 'second-question',
        result: second.passed ? 'next' : 'route',
        ms: second.ms,
        detail: `"${second.question}": heard "${second.transcript}"${second.passed ? '' : ' (wrong)'}`,
      });
    }
    if (destination) {
      // A caller who named an expected caller's pass is allowlisted as long as the pass lives.
      const until = answer.entry ? ctx.challenge.expires.get(answer.entry) : undefined;
      ctx.found.allowlist = {
        ...(until ? { expiresAt: until } : {}),
        source: 'screened',
        addedBy: `challenge (${ctx.did})`,
        note: `asked for ${entry?.name ?? answer.entry}: "${answer.transcript}"`,
      };
    }
    return challengeVerdict(answer, ctx.route, entries, destinations);
  },
};
