import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesFromPcm } from '../../src/audio/wav.js';
import { PromptListener } from '../../src/challenge/prompt-listener.js';

const RATE = 16_000;
const FRAME = 320; // 20 ms, as Asterisk sends slin16

/** One 20 ms frame: a loud tone for `s`, silence for `.`; its first sample tags its position. */
const frames = (pattern: string) =>
  [...pattern].map((c, k) => {
    const pcm = new Int16Array(FRAME);
    for (let i = 0; i < FRAME; i++)
      pcm[i] = c === 's' ? Math.round(6_000 * Math.sin((2 * Math.PI * 300 * i) / RATE)) : 0;
    pcm[0] = k;
    return bytesFromPcm(pcm);
  });
const tags = (heard: Buffer[]) => heard.map((b) => b.readInt16LE(0));
const listener = (gapMs?: number) =>
  new PromptListener({
    sampleRate: RATE,
    speechThresholdDbfs: -42,
    noiseMarginDb: 8,
    bargeInMs: 100,
    keepBeforeMs: 60,
    ...(gapMs === undefined ? {} : { gapMs }),
  });
const feed = (l: PromptListener, pattern: string) => {
  for (const f of frames(pattern)) l.push(f);
  return l;
};
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

describe('prompt listener (barge-in)', () => {
  it('keeps only the last moments while nobody speaks over the question', () => {
    const l = listener();
    for (const f of frames('..........')) l.push(f);
    assert.equal(l.answered, false);
    assert.deepEqual(tags(l.heard()), [7, 8, 9]);
  });

  it('takes a short noise for no answer, and keeps it with the moments before it', () => {
    const l = listener();
    for (const f of frames('......ss.')) l.push(f);
    assert.equal(l.answered, false);
    assert.deepEqual(tags(l.heard()), [6, 7, 8]);
  });

  it('does not take a hissing line for a caller answering over the question', async () => {
    const l = listener();
    let spoke = false;
    l.speaking.then(() => {
      spoke = true;
    });
    for (let k = 0; k < 200; k++) {
      const pcm = new Int16Array(FRAME);
      for (let i = 0; i < FRAME; i++)
        pcm[i] = Math.round(2_000 * Math.sin(i * 2.1 + k * 7.3) * Math.cos(i * 0.37 + k));
      l.push(bytesFromPcm(pcm));
    }
    await new Promise((r) => setImmediate(r));
    assert.equal(spoke, false);
    assert.equal(l.answered, false);
  });

  it('notices a caller answering over the question, and keeps all they said from just before it', async () => {
    const l = listener();
    let spoke = false;
    l.speaking.then(() => {
      spoke = true;
    });
    for (const f of frames('........sssss..ss')) l.push(f);
    await new Promise((r) => setImmediate(r));
    assert.equal(spoke, true);
    assert.equal(l.answered, true);
    assert.deepEqual(tags(l.heard()), range(5, 17));
  });

  it('adds voiced time across pauses shorter than gapMs (talking on over the hold), and keeps them', () => {
    // 80 ms of voice in runs of 40, 20 ms between: no run of 100 ms without a break.
    assert.equal(feed(listener(), '..ss.ss.s..').answered, false);
    const l = feed(listener(40), '..ss.ss.s..');
    assert.equal(l.answered, true);
    assert.deepEqual(
      tags(l.heard()),
      range(0, 11),
      'from the start of the run, gaps and all, and all after it',
    );
    assert.equal(feed(listener(40), '..ss...ss.ss.').answered, false, 'a 60 ms pause starts the count again');
  });
});
