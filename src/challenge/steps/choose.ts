import type { MediaLeg } from '../../calls/call-channel.js';
import { waitForKey } from '../../calls/keys.js';
import { speak } from '../../speech/tts.js';
import { choiceOptions, choicePrompt } from '../choice.js';
import type { HeardAnswer } from '../heard-answer.js';
import type { ChallengeContext } from './context.js';

/**
 * "Did you mean Ann Lee? Press 1. Or Anne Leigh? Press 2.": names the entries an answer could
 * not tell apart (over the media leg, spoken by flite) and takes a key press; a key stops the
 * list. Null when the caller presses nothing useful in time, or the question cannot be spoken.
 */
export async function choose(
  ctx: ChallengeContext,
  leg: MediaLeg,
  answer: HeardAnswer,
): Promise<string | null> {
  const options = choiceOptions(answer.contenders, ctx.challenge.entries);
  let audio: Int16Array;
  try {
    audio = await speak(choicePrompt(options));
  } catch (e) {
    ctx.log.warn({ err: e }, 'cannot speak the choice; asking again instead');
    return null;
  }
  const waitMs = audio.length / 16 + ctx.config.challenge.choiceTimeoutMs;
  const wait = waitForKey(ctx.channel, (digit) => options.some((o) => o.digit === digit), waitMs);
  ctx.log.info({ options: options.map((o) => o.id) }, 'asking the caller to choose');
  try {
    await leg.play(audio, wait.pressed);
    const digit = await wait.key;
    const chosen = options.find((o) => o.digit === digit)?.id ?? null;
    ctx.log.info({ chosen }, 'caller chose');
    return chosen;
  } finally {
    wait.stop();
  }
}
