import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CallGoneError } from '../../src/errors.js';
import { dialogueConfig, dialogueOn, said } from '../support/dialogue.js';

/**
 * The speech challenge's dialogue on a channel in memory, with the real recogniser: what the
 * caller hears, in which order, and what is decided, for callers the screen must not simply put
 * through: names that sound alike, callers naming nobody, recorded messages. (dialogue.test.ts has
 * the rest; two files, so the runner plays both at once.)
 */
describe('the speech challenge as a dialogue: choices, nobody named, machines (in-memory channel, real recogniser)', () => {
  const { config, run } = dialogueOn('test/fixtures/directory.yaml');
  const alice = said('alice', "Hello, I'd like to speak to Alice Johnson, please.");

  describe('with two names that sound the same', () => {
    const homophones = dialogueOn('test/fixtures/homophones.yaml', config);
    const anne = said('anne-leigh', 'Is Anne Leigh there, please?');

    it('reads the choices and takes the key pressed over them', async () => {
      // Options are offered in id order: 1 = Ann Lee, 2 = Anne Leigh.
      const { answer, channel } = await homophones.run([{ say: anne }, {}, { keys: '2' }]);
      assert.equal(answer.outcome, 'match');
      assert.equal(answer.entry, 'anne-leigh');
      assert.equal(channel.prompts.length, 3, 'the question, "Thank you.", the choice');
    });

    it('ends at once when the caller hangs up while the choices are read', async () => {
      const { channel, done } = homophones.start([{ say: anne }, {}, { hangUp: true }]);
      await assert.rejects(done, CallGoneError);
      assert.equal(channel.prompts.length, 3, 'the question, "Thank you.", the choice, cut off');
      assert.equal(channel.mediaClosed, 1);
    });

    it('asks again when no key is pressed, and keeps the ambiguous answer', async () => {
      const cfg = dialogueConfig({ 'challenge.choiceTimeoutMs': 1_000 });
      const { answer } = await homophones.run([{ say: anne }, {}, {}, {}, {}], undefined, cfg);
      assert.equal(answer.outcome, 'ambiguous');
      assert.deepEqual([...answer.contenders].sort(), ['ann-lee', 'anne-leigh']);
    });
  });

  it('never reads a directory name to a caller who names nobody, however often they answer', async () => {
    // Every prompt plays over the media leg: the question, the question again, and between
    // them the choice or confirmation that reads names out, which must never come.
    const questions = (config.routes.default?.retries ?? 0) + 1;
    for (const [name, text] of [
      ['hello', 'Hello?'],
      ['hey', 'Hey.'],
      ['yes', 'Yes?'],
      ['bruce', 'Can I speak to Bruce Wayne?'],
    ] as const) {
      const words = said(name, text);
      const { answer, channel } = await run([{ say: words }, { say: words }, {}]);
      assert.notEqual(answer.outcome, 'match', `${text} heard as "${answer.transcript}"`);
      assert.equal(
        channel.prompts.length,
        questions,
        `${text}: ${channel.prompts.join(', ')} ("${answer.transcript}")`,
      );
    }
  });

  it('hears out a recorded message that names someone, pauses, and talks on over "Thank you."', async () => {
    const rest = said(
      'robocall-rest',
      'We are calling about your vehicle warranty, which is about to expire. Please press one now to speak with a specialist about extending your coverage, or press two to stop receiving these calls.',
    );
    // Its first words are those of a caller who is put through (the first test).
    const { answer, channel } = await run([{ say: alice }, { say: rest }, {}, {}]);
    assert.equal(answer.outcome, 'machine', `"${answer.transcript}" (${answer.speechMs} ms of speech)`);
    assert.equal(answer.heardOut, 1);
    assert.match(answer.transcript, /alice johnson/);
    assert.equal(
      channel.prompts.length,
      2,
      `the question, "Thank you.", no names read: ${channel.prompts.join(', ')}`,
    );
  });
});
