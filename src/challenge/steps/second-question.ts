import type { MediaLeg } from '../../calls/call-channel.js';
import { speak } from '../../speech/tts.js';
import type { SecondAnswer } from '../heard-answer.js';
import { answeredRight, expectedAnswer } from '../questions.js';
import { ask } from './ask.js';
import type { ChallengeContext } from './context.js';
import { listen } from './listen.js';

/**
 * "What day of the week is it?": one of the second questions at random, spoken over the media
 * leg (the caller may answer over it), and the answer heard on that question's grammar. A
 * question that cannot be spoken lets the caller through (fail-open), as a failed check does.
 */
export async function askSecondQuestion(ctx: ChallengeContext, leg: MediaLeg): Promise<SecondAnswer> {
  const { questions } = ctx.challenge;
  const { question, deps } = questions[Math.floor(Math.random() * questions.length)] as (typeof questions)[0];
  const t0 = performance.now();
  let audio: Int16Array;
  try {
    audio = await speak(question.ask);
  } catch (e) {
    ctx.log.warn({ err: e }, 'cannot speak the second question; letting the caller through');
    return { question: question.ask, transcript: '', passed: true, ms: 0, recording: null };
  }
  ctx.publish({ type: 'step', step: 'asking the second question' });
  const overPrompt = await ask(ctx, leg, audio);
  const heard = await listen(ctx, leg, overPrompt.heard(), deps, `${ctx.channel.id}-question`);
  const now = new Date();
  const passed = answeredRight(question, heard.outcome === 'match' ? heard.entry : null, now);
  ctx.log.info(
    { question: question.ask, expected: expectedAnswer(question, now), heard: heard.transcript, passed },
    'second question answered',
  );
  const ms = Math.round(performance.now() - t0);
  return { question: question.ask, transcript: heard.transcript, passed, ms, recording: heard.recording };
}
