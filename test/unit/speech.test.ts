import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { Decimator2 } from '../../src/audio/resample.js';
import { parseDirectory } from '../../src/match/directory.js';
import { parsePhrases } from '../../src/match/phrases.js';
import { espeakPhones, espeakToArpabet } from '../../src/speech/espeak-phones.js';
import { buildGrammar, grammarWords } from '../../src/speech/grammar.js';
import { SoundSwallowerEngine } from '../../src/speech/soundswallower-engine.js';
import { engineContract } from '../support/engine-contract.js';
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

  engineContract(() => engine, {
    file: speechWav('alice', "Hello, I'd like to speak to Alice Johnson, please."),
    expect: /alice johnson/,
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
