import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { Decimator2 } from '../../src/audio/resample.js';
import { parseWav } from '../../src/audio/wav.js';
import { parseDirectory } from '../../src/match/directory.js';
import { parsePhrases } from '../../src/match/phrases.js';
import type { SpeechResult } from '../../src/speech/engine.js';
import { espeakPhones, espeakToArpabet } from '../../src/speech/espeak-phones.js';
import { buildGrammar, grammarWords } from '../../src/speech/grammar.js';
import { SoundSwallowerEngine } from '../../src/speech/soundswallower-engine.js';
import { speechWav } from '../support/speech.js';

const phrases = parsePhrases(readFileSync('grammars/phrases.yaml', 'utf8'));
const directory = parseDirectory(readFileSync('test/fixtures/directory.yaml', 'utf8'));

function tone(hz: number, rate: number, ms: number): Int16Array {
  return Int16Array.from({ length: (rate * ms) / 1000 }, (_, i) =>
    Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate)),
  );
}
const rmsOf = (s: Int16Array) => Math.sqrt(s.reduce((a, x) => a + x * x, 0) / s.length);

describe('grammar', () => {
  it('spells words as the recogniser dictionary does', () => {
    assert.deepEqual(grammarWords("I'd like Dr. O'Brien-Smith, please!"), [
      "i'd",
      'like',
      'doctor',
      "o'brien",
      'smith',
      'please',
    ]);
  });

  it('offers every way of naming an entry, and leaves out unusable words', () => {
    const g = buildGrammar(directory, phrases);
    assert.match(g.jsgf, /^#JSGF V1\.0;/);
    for (const alt of ['alice johnson', 'alice', 'johnson', 'doctor johnson', 'bob miller', 'accounts']) {
      assert.ok(g.jsgf.includes(alt), alt);
    }
    const without = buildGrammar(directory, phrases, (w) => w !== 'johnson');
    assert.ok(!without.words.has('johnson'));
    assert.ok(without.jsgf.includes('alice'));
  });
});

describe('pronunciations from espeak-ng', () => {
  it('maps espeak mnemonics to ARPAbet', () => {
    assert.deepEqual(espeakToArpabet("n'aI@m"), ['N', 'AY', 'AH', 'M']);
    assert.deepEqual(espeakToArpabet("tS'Idi"), ['CH', 'IH', 'D', 'IY']);
    assert.deepEqual(espeakToArpabet("kr,I2st'0f"), ['K', 'R', 'IH', 'S', 'T', 'AA', 'F']);
  });

  it('derives phones for a name no dictionary has', async () => {
    const phones = await espeakPhones('kowalczyk');
    assert.ok(phones && phones.length >= 6, String(phones));
    assert.equal(phones?.[0], 'K');
  });
});

describe('16 kHz to 8 kHz', () => {
  it('halves the samples, keeps speech frequencies, removes what 8 kHz cannot carry', () => {
    const d = new Decimator2();
    const low = d.process(tone(1000, 16000, 200));
    assert.equal(low.length, 1600);
    assert.ok(Math.abs(rmsOf(low.subarray(100)) / rmsOf(tone(1000, 16000, 200)) - 1) < 0.05);
    const high = new Decimator2().process(tone(6000, 16000, 200));
    assert.ok(rmsOf(high.subarray(100)) < 0.15 * rmsOf(tone(6000, 16000, 200)));
  });
});

describe('soundswallower engine (the embedded default)', () => {
  let engine: SoundSwallowerEngine;
  before(async () => {
    engine = await SoundSwallowerEngine.create({
      logger: pino({ level: 'silent' }),
      poolSize: 2,
      beam: 1e-80,
    });
    await engine.setDirectory(directory, phrases);
  });
  after(() => engine.close());

  async function recognise(file: string, rate: 8000 | 16000 = 8000, signal = new AbortController().signal) {
    const pcm = parseWav(readFileSync(file));
    let samples = pcm.samples;
    if (rate === 16000)
      samples = Int16Array.from({ length: samples.length * 2 }, (_, i) => samples[i >> 1] as number);
    const stream = engine.open({ sampleRate: rate, hints: [], language: 'en-US', signal });
    const results: SpeechResult[] = [];
    const reading = (async () => {
      for await (const r of stream.results()) results.push(r);
    })();
    const step = rate / 50;
    for (let off = 0; off < samples.length; off += step) {
      stream.write(Buffer.from(samples.slice(off, off + step).buffer));
      if (off % (step * 5) === 0) await new Promise((r) => setImmediate(r));
    }
    stream.end();
    await reading;
    return results;
  }

  it('streams partial results, then one final transcript of the name', async () => {
    const results = await recognise(speechWav('alice', "Hello, I'd like to speak to Alice Johnson, please."));
    const final = results.at(-1);
    assert.equal(final?.final, true);
    assert.match(final?.text ?? '', /alice johnson/);
    assert.ok(results.filter((r) => !r.final).length >= 1, 'partials came first');
    assert.equal(results.filter((r) => r.final).length, 1);
  });

  it('takes 16 kHz audio as well', async () => {
    const results = await recognise(speechWav('accounts', 'Accounts, please.'), 16000);
    assert.match(results.at(-1)?.text ?? '', /accounts/);
  });

  it('ends the stream when aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    const results = await recognise(speechWav('accounts', 'Accounts, please.'), 8000, ac.signal);
    assert.equal(results.at(-1)?.final, true);
  });

  it('gives back its decoders', () => {
    assert.equal(engine.activeStreams, 0);
  });
});

describe('doorman screen-file', () => {
  it('prints one JSON object per file, and an error object for a bad file', () => {
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'screen-file',
        '--directory',
        'test/fixtures/directory.yaml',
        speechWav('alice', "Hello, I'd like to speak to Alice Johnson, please."),
        'package.json',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 2, r.stderr);
    const [ok, bad] = lines;
    assert.deepEqual(Object.keys(ok).sort(), ['candidates', 'entry', 'file', 'ms', 'outcome', 'transcript']);
    assert.equal(ok.outcome, 'match');
    assert.equal(ok.entry, 'alice-johnson');
    assert.equal(ok.candidates[0].id, 'alice-johnson');
    assert.match(bad.error, /not a usable WAV file/);
    assert.equal(r.status, 1, 'a bad file makes the exit status non-zero');
  });
});
