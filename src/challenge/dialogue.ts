import type { MediaLeg } from '../calls/call-channel.js';
import type { HeardAnswer } from './heard-answer.js';
import { ask } from './steps/ask.js';
import { choose } from './steps/choose.js';
import type { ChallengeContext } from './steps/context.js';
import { hearOut } from './steps/hear-out.js';
import { listen } from './steps/listen.js';
import { askSecondQuestion } from './steps/second-question.js';

export interface ChallengeTimings {
  answerMs?: number;
  mediaSetupMs?: number;
  promptMs?: number;
  listenMs?: number;
  choiceMs?: number;
}

/**
 * The speech challenge, as the caller hears it: answer, ask who they want (the media leg first,
 * so a caller who answers over the question is heard and the question stops), listen (and hear
 * out a caller who names someone, then talks on over "Thank you."), and on an
 * ambiguous answer name the choices and take a key; ask again after silence, an ambiguous
 * answer or nobody named (`route.retries`, `route.retryNomatch`; for the full name when the
 * name heard was one word, and heard badly); then the second question
 * after a clear answer. The caller's last answer that was not silence is the one to route on.
 */
export async function runChallenge(ctx: ChallengeContext, timings: ChallengeTimings): Promise<HeardAnswer> {
  const { channel, route } = ctx;
  let t = performance.now();
  await channel.answer();
  timings.answerMs = performance.now() - t;
  let leg: MediaLeg | undefined;
  let answer: HeardAnswer | undefined;
  let askedToChoose = false;
  let said: HeardAnswer | undefined;
  try {
    for (let attempt = 0; attempt <= route.retries; attempt++) {
      if (!leg) {
        t = performance.now();
        leg = await channel.openMedia();
        timings.mediaSetupMs = performance.now() - t;
      }
      t = performance.now();
      const question =
        attempt === 0 ? route.prompt : answer?.askFullName ? route.fullNamePrompt : route.retryPrompt;
      const overPrompt = await ask(ctx, leg, question);
      timings.promptMs ??= performance.now() - t;
      if (overPrompt.answered) ctx.log.info('caller answered over the question');
      t = performance.now();
      // Each attempt keeps its own recording: `<channel>.wav`, then `<channel>-again1.wav`...
      const base = ctx.recordAs ?? channel.id;
      const recordAs = attempt ? `${base}-again${attempt}` : base;
      answer = await hearOut(
        ctx,
        leg,
        await listen(ctx, leg, overPrompt.heard(), undefined, recordAs),
        recordAs,
      );
      if (answer.outcome !== 'silence') said = answer;
      timings.listenMs = performance.now() - t;
      if (answer.outcome === 'ambiguous' && !askedToChoose) {
        askedToChoose = true;
        t = performance.now();
        const chosen = await choose(ctx, leg, answer);
        timings.choiceMs = performance.now() - t;
        if (chosen) {
          answer = { ...answer, outcome: 'match', entry: chosen, contenders: [chosen], chosen: true };
          break;
        }
      }
      const again =
        answer.outcome === 'silence' ||
        answer.outcome === 'ambiguous' ||
        (answer.outcome === 'nomatch' && (route.retryNomatch || answer.askFullName === true));
      if (!again) break;
      if (attempt < route.retries) ctx.log.info({ outcome: answer.outcome, attempt }, 'asking again');
    }
    if (answer?.outcome === 'silence' && said) answer = said;
    if (answer?.outcome === 'match' && leg && ctx.challenge.questions.length) {
      answer = { ...answer, second: await askSecondQuestion(ctx, leg) };
    }
  } finally {
    await channel.closeMedia();
  }
  return answer as HeardAnswer;
}
