import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { pino } from 'pino';
import { parseWav } from '../../src/audio/wav.js';
import { RecordingStore } from '../../src/calls/recordings.js';
import { runChallenge } from '../../src/challenge/dialogue.js';
import { type Challenge, createChallenge, loadDirectoryFile } from '../../src/challenge/setup.js';
import type { ChallengeContext } from '../../src/challenge/steps/context.js';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { MemoryChannel, type Turn } from './memory-channel.js';
import { speechWav } from './speech.js';

/** 8 kHz flite speech as the media leg carries it (16 kHz). */
export function said(name: string, text: string): Int16Array {
  const pcm = parseWav(readFileSync(speechWav(name, text))).samples;
  return Int16Array.from({ length: pcm.length * 2 }, (_, i) => pcm[i >> 1] as number);
}

export const dialogueLogger = pino({ level: 'silent' });

/** The configuration the dialogue tests run the challenge with, and `overrides`. */
export const dialogueConfig = (overrides: Record<string, unknown> = {}): Config =>
  loadConfig({
    env: {},
    overrides: {
      'speech.soundswallower.threads': 1,
      // A silent caller is given up on sooner than on a call (5 s): the dialogue is the same.
      'listen.noSpeechTimeoutMs': 2_000,
      // These tests are about the dialogue, not load: a thread that falls behind (another test
      // file decoding beside this one) would leave the answer unchecked and the scripted caller
      // would be asked to confirm, which it does not do. Shedding has its own tests (speech.test.ts).
      'speech.soundswallower.shedLagMs': 0,
      // For the same reason the final transcript gets the longest deadline there is: unshed, the
      // full check of a 4.5 s answer on one thread shared with another test file's decoding once
      // took over the 2 s a call allows (a CI run). The deadline has its own test below.
      'speech.finalTimeoutMs': 10_000,
      'recordings.dir': mkdtempSync(join(tmpdir(), 'doorman-dialogue-')),
      ...overrides,
    } as never,
  });

/** The speech challenge's dialogue on a new in-memory channel: the channel at once, the answer once it is over. */
export function startDialogue(script: Turn[], challenge: Challenge, config: Config) {
  const channel = new MemoryChannel(script);
  const events: string[] = [];
  const ctx: ChallengeContext = {
    channel,
    config,
    route: config.routes.default as ChallengeContext['route'],
    challenge,
    recordings: new RecordingStore(config.recordings.dir),
    log: dialogueLogger,
    publish: (e) => events.push(e.type),
  };
  const done = runChallenge(ctx, {}).finally(() => channel.stop());
  return { channel, events, done };
}

/**
 * The challenge on `directory` for the enclosing `describe` (made before its tests, closed after
 * them), and dialogues on it: `start` gives the channel at once, `run` the answer once it is
 * over; another challenge or configuration may be given for one dialogue.
 */
export function dialogueOn(directory: string, config: Config = dialogueConfig()) {
  let made: Challenge | undefined;
  before(async () => {
    made = await createChallenge(config, loadDirectoryFile(directory), dialogueLogger);
  });
  after(async () => {
    await made?.engine.close();
  });
  const challenge = (): Challenge => {
    if (!made) throw new Error('the challenge is made before the tests run');
    return made;
  };
  const start = (script: Turn[], c = challenge(), cfg = config) => startDialogue(script, c, cfg);
  const run = async (script: Turn[], c = challenge(), cfg = config) => {
    const { channel, events, done } = start(script, c, cfg);
    return { answer: await done, channel, events };
  };
  return { config, challenge, start, run };
}
