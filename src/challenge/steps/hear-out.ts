import type { MediaLeg } from '../../calls/call-channel.js';
import { continueAnswer, goesOn, measuresOf } from '../answer.js';
import type { HeardAnswer } from '../heard-answer.js';
import { TALK_GAP_MS } from '../prompt-listener.js';
import { ask } from './ask.js';
import type { ChallengeContext } from './context.js';
import { listen } from './listen.js';

/**
 * Holds an answer that names someone for `listen.holdMs` (the caller hears the route's
 * holdPrompt, "Thank you.") before anything is done with it: a caller who talks on over the
 * hold had not finished, and what follows is heard as the rest of the same answer, decided on
 * as a whole. A recorded message whose first words name someone before a pause is heard out,
 * and its speech adds up to a machine's. A caller who waits is acted on after the hold.
 */
export async function hearOut(
  ctx: ChallengeContext,
  leg: MediaLeg,
  answer: HeardAnswer,
  recordAs: string,
): Promise<HeardAnswer> {
  const { holdMs, talkOverMs } = ctx.config.listen;
  let heard = answer;
  for (let part = 1; holdMs > 0 && goesOn(heard, part); part++) {
    const over = await ask(ctx, leg, ctx.route.holdPrompt, {
      bargeInMs: talkOverMs,
      listenMs: holdMs,
      gapMs: TALK_GAP_MS,
    });
    if (!over.answered) break;
    ctx.log.info({ transcript: heard.transcript }, 'the caller talked on over the hold: hearing them out');
    const more = await listen(ctx, leg, over.heard(), undefined, `${recordAs}-on${part}`);
    const whole = continueAnswer(ctx.challenge.deps, heard, more);
    heard = {
      ...more,
      ...whole.decision,
      transcript: whole.transcript,
      candidates: whole.match.candidates.slice(0, 5).map((c) => ({ id: c.id, score: c.score })),
      speechMs: whole.speechMs,
      audioMs: heard.audioMs + more.audioMs,
      frames: heard.frames + more.frames,
      recording: heard.recording,
      ...measuresOf(whole),
      heardOut: part,
    };
  }
  return heard;
}
