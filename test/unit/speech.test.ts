import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { Int16Downsampler, upsampleWhole } from '../../src/audio/resample.js';
import { answerPhrases, choiceEntries, parseQuestions } from '../../src/challenge/questions.js';
import { parseDirectory } from '../../src/match/directory.js';
import { parsePhrases } from '../../src/match/phrases.js';
import { distinctReadings, phoneSimilarity, ReadingIndex } from '../../src/match/pronunciation.js';
import { acronymsOf, spelledOut } from '../../src/speech/acronyms.js';
import { CepstralMean, LIBRARY_WINDOW_FRAMES } from '../../src/speech/cepstral-mean.js';
import {
  espeakPhones,
  espeakPhonesOf,
  espeakToArpabet,
  foreignReadingsOf,
  ipaToArpabet,
} from '../../src/speech/espeak-phones.js';
import { buildGrammar, grammarWords } from '../../src/speech/grammar.js';
import { SoundSwallowerEngine, type SoundSwallowerOptions } from '../../src/speech/soundswallower-engine.js';
import { cliArgs } from '../support/cli.js';
import { engineContract, recognise } from '../support/engine-contract.js';
import { onHissingLine, speechWav } from '../support/speech.js';

const phrases = parsePhrases(readFileSync('grammars/phrases.yaml', 'utf8'));
const directory = parseDirectory(readFileSync('test/fixtures/directory.yaml', 'utf8'));

function tone(hz: number, rate: number, ms: number): Int16Array {
  return Int16Array.from({ length: (rate * ms) / 1000 }, (_, i) =>
    Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate)),
  );
}
const rmsOf = (s: Int16Array) => Math.sqrt(s.reduce((a, x) => a + x * x, 0) / s.length);

/** The body of one rule of a JSGF grammar. */
function ruleOf(jsgf: string, name: string): string {
  const m = jsgf.match(new RegExp(`^(?:public )?<${name}> = (.*);$`, 'm'));
  assert.ok(m?.[1], `no rule <${name}>`);
  return m[1];
}

/** Every word sequence a rule body of words, `|`, `( )` and `[ ]` can say (no rule references). */
function sentences(body: string): Set<string> {
  const tokens = body.match(/[()[\]|]|[^\s()[\]|]+/g) ?? [];
  let at = 0;
  // alternatives := sequence ('|' sequence)*; sequence := (word | '(' alternatives ')' | '[' alternatives ']')*
  const alternatives = (): string[][] => {
    const out = sequence();
    while (tokens[at] === '|') {
      at++;
      out.push(...sequence());
    }
    return out;
  };
  const sequence = (): string[][] => {
    let out: string[][] = [[]];
    for (let t = tokens[at]; t !== undefined && t !== '|' && t !== ')' && t !== ']'; t = tokens[at]) {
      at++;
      let part: string[][] = [[t]];
      if (t === '(' || t === '[') {
        part = alternatives();
        at++; // the closing bracket
        if (t === '[') part.push([]);
      }
      out = out.flatMap((a) => part.map((b) => [...a, ...b]));
    }
    return out;
  };
  return new Set(alternatives().map((w) => w.join(' ')));
}

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
    const targets = sentences(ruleOf(g.jsgf, 'target'));
    for (const alt of ['alice johnson', 'alice', 'johnson', 'doctor johnson', 'bob miller', 'accounts']) {
      assert.ok(targets.has(alt), alt);
    }
    const without = buildGrammar(directory, phrases, (w) => w !== 'johnson');
    assert.ok(!without.words.has('johnson'));
    assert.ok(sentences(ruleOf(without.jsgf, 'target')).has('alice'));
    assert.ok(![...sentences(ruleOf(without.jsgf, 'target'))].some((t) => t.includes('johnson')));
  });

  it('shares the words phrases begin with, and says exactly the same phrases', () => {
    const people = parseDirectory(
      [
        'version: 1',
        'entries:',
        ...['Michael Smith', 'Michael Jones', 'Michael Jones Junior', 'Mary Smith'].map(
          (name, i) => `  - { id: p${i}, type: person, name: "${name}", aliases: [], destination: d }`,
        ),
      ].join('\n'),
    );
    const target = ruleOf(buildGrammar(people, { ...phrases, nicknames: {} }).jsgf, 'target');
    const said = sentences(target);
    for (const phrase of ['michael smith', 'michael jones', 'michael jones junior', 'mary smith', 'michael'])
      assert.ok(said.has(phrase), phrase);
    assert.ok(!said.has('mary jones') && !said.has('michael junior'), 'no phrase the directory lacks');
    // Each first name once: the recogniser keeps one state for "michael", not one per Michael.
    assert.equal(target.match(/\bmichael\b/g)?.length, 1, target);
    assert.equal(target.match(/\bmister\b/g)?.length, 1, target);
  });
});

describe('pronunciations from espeak-ng', () => {
  it('maps espeak mnemonics to ARPAbet', () => {
    assert.deepEqual(espeakToArpabet("n'aI@m"), ['N', 'AY', 'AH', 'M']);
    assert.deepEqual(espeakToArpabet("tS'Idi"), ['CH', 'IH', 'D', 'IY']);
    assert.deepEqual(espeakToArpabet("kr,I2st'0f"), ['K', 'R', 'IH', 'S', 'T', 'AA', 'F']);
    assert.deepEqual(espeakToArpabet("m'e@ri"), ['M', 'EH', 'R', 'IY']);
  });

  it('derives phones for a name no dictionary has', async () => {
    const phones = await espeakPhones('kowalczyk');
    assert.ok(phones && phones.length >= 6, String(phones));
    assert.equal(phones?.[0], 'K');
  });

  it('finds the words a directory writes in capitals, and spells them out', () => {
    const entry = (name: string, aliases: string[]) => ({
      id: 'x',
      type: 'department' as const,
      name,
      aliases,
      sounds_like: [],
      destination: 'desk',
      enabled: true,
    });
    const found = acronymsOf([
      entry('Human Resources', ['HR', 'the HR team', 'People']),
      entry('IT', ['I.T.']),
    ]);
    assert.deepEqual([...found].sort(), ['hr', 'it']);
    assert.deepEqual(spelledOut('hr'), ['EY', 'CH', 'AA', 'R']);
  });

  it('derives many words in one run, a word each, and leaves out what it cannot say', async () => {
    const found = await espeakPhonesOf(['siobhan', 'kowalczyk', 'o1', '', 'niamh']);
    assert.deepEqual([...found.keys()], ['siobhan', 'kowalczyk', 'niamh']);
    assert.deepEqual(found.get('siobhan'), await espeakPhones('siobhan'));
    assert.deepEqual(found.get('siobhan'), ['SH', 'IH', 'V', 'AO', 'N']);
  });
});

describe('names as their own language reads them', () => {
  it("maps any language's IPA to ARPAbet", () => {
    assert.deepEqual(ipaToArpabet('aɡɲʲˈɛʃka'), ['AA', 'G', 'N', 'Y', 'EH', 'SH', 'K', 'AA']);
    // Vietnamese tone marks and length go; a doubled vowel is one sound.
    assert.deepEqual(ipaToArpabet('hwˈaː7'), ['HH', 'W', 'AA']);
    assert.deepEqual(ipaToArpabet('kˈaalˈil'), ['K', 'AA', 'L', 'IY', 'L']);
    assert.deepEqual(ipaToArpabet('nʲˈiəv'), ['N', 'IY', 'AH', 'V']);
    assert.deepEqual(ipaToArpabet('tʃˈao'), ['CH', 'AA', 'OW']);
  });

  it('reads each word in each language, leaving out what a language hands back to English', async () => {
    const found = await foreignReadingsOf(['agnieszka', 'o1', 'niamh'], ['pl', 'hi', 'no such voice']);
    assert.deepEqual([...found.keys()].sort(), ['agnieszka', 'niamh']);
    // Polish alone: Hindi reads these by English rules ("(en)...(hi)"), the bad name is skipped.
    assert.deepEqual(found.get('agnieszka'), [{ language: 'pl', phones: ipaToArpabet('aɡɲʲˈɛʃka') }]);
    // Pinyin is read here, not by espeak-ng (whose Mandarin voice reads "xiaoling" as English).
    const pinyin = await foreignReadingsOf(['xiaoling', 'mary'], ['zh']);
    assert.deepEqual(pinyin.get('xiaoling'), [{ language: 'zh', phones: 'SH Y AW L IY NG'.split(' ') }]);
    assert.equal(pinyin.get('mary'), undefined, 'not pinyin');
    assert.equal(
      (await foreignReadingsOf(['agnieszka'], ['zz'])).size,
      0,
      'an unknown language gives nothing',
    );
  });

  it("takes a reading two languages agree on, unlike the word's own and every other word's", () => {
    const p = (s: string) => s.split(' ');
    const others = new ReadingIndex();
    others.add('hoa', p('HH OW AH'));
    others.add('john', p('JH AA N'));
    const kept = (word: string, candidates: string[], own: string[], marked: string[] = []) =>
      distinctReadings(
        word,
        candidates.map((c, i) => ({ language: `l${i}`, phones: p(c) })),
        own.map(p),
        others,
        marked,
      ).map((r) => r.join(' '));
    // Polish and Italian much alike: the first of them is taken, once.
    assert.deepEqual(kept('agnieszka', ['AA G N Y EH SH K AA', 'AA G N Y EH S K AA'], ['AE G N IH S K AH']), [
      'AA G N Y EH SH K AA',
    ]);
    // One language's odd rule alone ("john" as "hone") is not taken...
    assert.deepEqual(kept('jon', ['HH OW N', 'Z AO N'], ['JH AA N']), []);
    // ...unless the word is spelled the way that language spells ("Niamh" is Irish): then its
    // reading alone, not two other languages' that agree ("Nyam").
    assert.deepEqual(kept('niamh', ['N IY AH V', 'N Y AA M', 'N Y AA M HH'], ['N AY AH M'], ['l0']), [
      'N IY AH V',
    ]);
    assert.deepEqual(kept('niamh', ['N IY AH V', 'N Y AA M', 'N Y AA M HH'], ['N AY AH M']), [
      'N Y AA M',
      'N Y AA M HH',
    ]);
    // A near copy of the word's own reading adds nothing.
    assert.deepEqual(kept('khalil', ['K AH L IY L', 'K AH L IY L'], ['K AH L IY L']), []);
    // Dropping a consonant ("Haddad" as "ada") would fit any vowelly sound.
    assert.deepEqual(kept('haddad', ['AA D AA D', 'AA D AA D'], ['HH AE D AH D']), []);
    // Sounding like another word makes two names one.
    assert.deepEqual(kept('howa', ['HH OW AA', 'HH OW AA'], ['HH AW AH']), []);
    assert.ok(others.hasLike(p('HH OW AA'), 0.75, 'howa'));
    assert.ok(!others.hasLike(p('HH OW AA'), 0.75, 'hoa'), 'a word is not its own rival');
  });
});

describe('16 kHz to 8 kHz', () => {
  it('halves the samples, keeps speech frequencies, removes what 8 kHz cannot carry', () => {
    const d = new Int16Downsampler(2);
    const low = d.process(tone(1000, 16000, 200));
    assert.equal(low.length, 1600);
    assert.ok(Math.abs(rmsOf(low.subarray(100)) / rmsOf(tone(1000, 16000, 200)) - 1) < 0.05);
    // Above 4 kHz would fold back onto speech (4.5 kHz onto 3.5 kHz): at least 40 dB down.
    for (const hz of [4500, 6000]) {
      const high = new Int16Downsampler(2).process(tone(hz, 16000, 200));
      assert.ok(rmsOf(high.subarray(100)) < 0.01 * rmsOf(tone(hz, 16000, 200)), `${hz} Hz`);
    }
  });
});

describe('8 kHz to 16 kHz (prompts over the media socket)', () => {
  it('doubles the samples, keeps the sound, and leaves no mirror image above 4 kHz', () => {
    const up = upsampleWhole(tone(1000, 8000, 200), 2);
    assert.equal(up.length, 3200);
    const body = up.subarray(100, 3100);
    assert.ok(Math.abs(rmsOf(body) / rmsOf(tone(1000, 8000, 200)) - 1) < 0.05, `level ${rmsOf(body)}`);
    // The image of 1 kHz sits at 7 kHz: what is left once the 1 kHz tone is taken out is small.
    const clean = tone(1000, 16000, 200).subarray(100, 3100);
    const scale = rmsOf(body) / rmsOf(clean);
    let err = 0;
    for (let i = 0; i < body.length; i++) err += ((body[i] as number) - scale * (clean[i] as number)) ** 2;
    assert.ok(Math.sqrt(err / body.length) < 0.1 * rmsOf(body), 'nothing but the tone');
  });
});

/**
 * The engine takes every setting from the config, defaults included. These tests start from
 * settings of their own: both extras on every answer, never shed or narrowed (so what a test
 * checks does not depend on the machine's load), English readings only; a test changes what it tests.
 */
const settings = {
  logger: pino({ level: 'silent' }),
  threads: 0,
  runtime: 'wasm',
  nativeLibrary: 'libpocketsphinx.so.3',
  poolSize: 1,
  beam: 1e-80,
  phoneLoop: true,
  phoneLoopMaxStreams: Number.POSITIVE_INFINITY,
  nameLanguages: [],
  denoise: true,
  denoiseMaxStreams: Number.POSITIVE_INFINITY,
  shedLagMs: 0,
  maxHmms: 3_000,
  busyMaxHmms: 0,
  warps: [1],
  warpMaxStreams: Number.POSITIVE_INFINITY,
  warpChooseMs: 0,
} satisfies SoundSwallowerOptions;

for (const runtime of ['wasm', 'native'] as const)
  describe(`soundswallower engine (the embedded default), ${runtime} PocketSphinx`, () => {
    let engine: SoundSwallowerEngine;
    before(async () => {
      engine = await SoundSwallowerEngine.create({ ...settings, runtime, poolSize: 2 });
      await engine.setDirectory(directory, phrases);
    });
    after(() => engine.close());

    it('runs the build it was asked for', () => {
      assert.equal(engine.build, runtime);
    });

    engineContract(() => engine, {
      file: speechWav('alice', "Hello, I'd like to speak to Alice Johnson, please."),
      expect: /alice johnson/,
    });

    it('scores how well its words fit the audio against a free phone loop', async () => {
      const results = await recognise(
        engine,
        speechWav('alice', "Hello, I'd like to speak to Alice Johnson, please."),
      );
      const fit = results.at(-1)?.fit;
      assert.equal(typeof fit, 'number');
      // A clear answer the grammar covers fits about as well as any phone sequence.
      assert.ok((fit as number) > -20, `fit ${fit}`);
    });

    it('hears a name after two greetings and a longer way of asking', async () => {
      const results = await recognise(
        engine,
        speechWav('hoping', 'Yes, hi, I was hoping to catch Alice Johnson.'),
      );
      assert.match(results.at(-1)?.text ?? '', /^yes hi i was hoping to catch alice johnson$/);
      // Well enough that the full name is routed without doubt (CLEAR_FULL_NAME_FIT).
      assert.ok((results.at(-1)?.fit as number) > -40, `fit ${results.at(-1)?.fit}`);
    });

    it('hears an answer through every warp it is given, and keeps the one that scores it best', async () => {
      // A man's voice: stretching its spectrum as for a child's (1.3) fits it worst of the three.
      const warped = await SoundSwallowerEngine.create({
        ...settings,
        runtime,
        threads: 1,
        warps: [1.3, 1, 0.9],
      });
      try {
        await warped.setDirectory(directory, phrases);
        const final = (
          await recognise(warped, speechWav('alice', "Hello, I'd like to speak to Alice Johnson, please."))
        ).at(-1);
        assert.match(final?.text ?? '', /alice johnson/);
        assert.ok(final?.warp === 1 || final?.warp === 0.9, `warp ${final?.warp}`);
        assert.ok((final?.fit as number) > -20, `fit ${final?.fit}`);
        assert.equal(warped.activeStreams, 0);
      } finally {
        await warped.close();
      }
    });

    it('scores the kept warp against its own phone loop, as if it had been the only warp', async () => {
      const heard = async (warps: number[], warpChooseMs = 0) => {
        const e = await SoundSwallowerEngine.create({
          ...settings,
          runtime,
          threads: 1,
          warps,
          warpChooseMs,
        });
        try {
          await e.setDirectory(directory, phrases);
          return (
            await recognise(e, speechWav('alice', "Hello, I'd like to speak to Alice Johnson, please."))
          ).at(-1);
        } finally {
          await e.close();
        }
      };
      // Only the first warp's loop hears the answer live; the kept one (not the first) catches up.
      const three = await heard([1.3, 1, 0.9]);
      assert.notEqual(three?.warp, 1.3);
      const alone = await heard([three?.warp as number]);
      assert.equal(three?.text, alone?.text);
      assert.equal(three?.fit, alone?.fit);
      assert.deepEqual(three?.phones, alone?.phones);
      assert.equal(three?.loopPhones, alone?.loopPhones);
      // Chosen a second into the answer (warpChooseMs), the kept warp's loop catches up there
      // and hears the rest live: still as if it had been the only warp.
      const early = await heard([1.3, 1, 0.9], 1_000);
      assert.notEqual(early?.warp, 1.3);
      const earlyAlone = early?.warp === three?.warp ? alone : await heard([early?.warp as number]);
      assert.equal(early?.text, earlyAlone?.text);
      assert.equal(early?.fit, earlyAlone?.fit);
      assert.deepEqual(early?.phones, earlyAlone?.phones);
      assert.equal(early?.loopPhones, earlyAlone?.loopPhones);
    });

    it('gives back its decoders', () => {
      assert.equal(engine.activeStreams, 0);
    });
  });

describe('soundswallower engine: the native build', () => {
  it("runs where Debian's library loads when asked for either ('auto')", async () => {
    const engine = await SoundSwallowerEngine.create({ ...settings, runtime: 'auto', threads: 1 });
    try {
      assert.equal(engine.build, 'native');
      assert.equal(engine.workerProcessIds.length, 1, 'decodes in a process of its own');
    } finally {
      await engine.close();
    }
  });

  it('falls back to the WebAssembly build where the library is missing, unless told to use it', async () => {
    const missing = { ...settings, threads: 1, nativeLibrary: '/nonexistent/libpocketsphinx.so.3' };
    const engine = await SoundSwallowerEngine.create({ ...missing, runtime: 'auto' });
    try {
      assert.equal(engine.build, 'wasm');
      await engine.setDirectory(directory, phrases);
      const results = await recognise(
        engine,
        speechWav('alice', "Hello, I'd like to speak to Alice Johnson, please."),
      );
      assert.match(results.at(-1)?.text ?? '', /alice johnson/);
    } finally {
      await engine.close();
    }
    await assert.rejects(SoundSwallowerEngine.create({ ...missing, runtime: 'native' }), (e: Error) => {
      assert.match(e.message, /\/nonexistent\/libpocketsphinx\.so\.3 could not be loaded.*libpocketsphinx3/);
      return true;
    });
  });

  it('decodes an answer the same whatever the caller before it sounded like', async () => {
    const engine = await oneDecoderEngine({ runtime: 'native', denoise: false });
    try {
      await engine.setDirectory(directory, phrases);
      const alice = speechWav('alice', "Hello, I'd like to speak to Alice Johnson, please.");
      const fitOf = async (file: string) => (await recognise(engine, file)).at(-1)?.fit as number;
      await fitOf(alice);
      const before = await fitOf(alice);
      // A caller on a hissing line, louder and in another voice, through the same decoder.
      await fitOf(onHissingLine('cmn-hiss', speechWav('accounts-awb', 'Accounts, please.', 'awb'), -25, 1));
      const after = await fitOf(alice);
      assert.ok(Math.abs(after - before) < 1, `fit ${before} before the hissing line, ${after} after`);
    } finally {
      await engine.close();
    }
  });

  it('fails the answers of a recognition process that dies, and starts another for the next', async () => {
    const engine = await SoundSwallowerEngine.create({ ...settings, runtime: 'native', threads: 1 });
    try {
      await engine.setDirectory(directory, phrases);
      const [pid] = engine.workerProcessIds;
      const stream = engine.open({
        sampleRate: 8000,
        hints: [],
        language: 'en-US',
        signal: new AbortController().signal,
      });
      const results = (async () => {
        for await (const _ of stream.results()) {
          // the stream fails before any final
        }
      })();
      stream.write(Buffer.alloc(1600));
      process.kill(pid as number, 'SIGKILL');
      await assert.rejects(results, /recognition (thread|worker) exited/);
      for (let i = 0; i < 100 && engine.workerProcessIds[0] === pid; i++)
        await new Promise((r) => setTimeout(r, 50));
      assert.notEqual(engine.workerProcessIds[0], pid, 'another process took its place');
      // ...with the grammar it had: the directory is not set again.
      const next = await recognise(
        engine,
        speechWav('alice', "Hello, I'd like to speak to Alice Johnson, please."),
      );
      assert.match(next.at(-1)?.text ?? '', /alice johnson/);
    } finally {
      await engine.close();
    }
  });
});

/**
 * One thread with one pooled decoder (streams after the first reuse it, or need a new one),
 * unless `extra` (options on top) says otherwise.
 */
const oneDecoderEngine = (extra: Partial<SoundSwallowerOptions> = {}) =>
  SoundSwallowerEngine.create({ ...settings, threads: 1, ...extra });

describe('soundswallower engine: decoders made before the first answer', () => {
  for (const runtime of ['wasm', 'native'] as const)
    it(`makes poolSize of them, with phone loops only for the answers that get one (${runtime})`, async () => {
      const engine = await oneDecoderEngine({ runtime, poolSize: 3, phoneLoopMaxStreams: 1 });
      try {
        await engine.setDirectory(directory, phrases);
        for (let i = 0; i < 100 && engine.decoders < 4; i++) await new Promise((r) => setTimeout(r, 50));
        // Give a warm-up that would go on the time to show it.
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(engine.decoders, 4, 'three grammar decoders, one phone loop');
        // Two answers at once: the first has the loop's fit, the second none, and neither
        // needed a decoder made for it.
        const file = speechWav('alice', "Hello, I'd like to speak to Alice Johnson, please.");
        const [first, second] = await Promise.all([recognise(engine, file), recognise(engine, file)]);
        assert.deepEqual([typeof first.at(-1)?.fit, typeof second.at(-1)?.fit], ['number', 'undefined']);
        assert.equal(engine.decoders, 4);
      } finally {
        await engine.close();
      }
    });
});

describe('soundswallower engine: cleaning the line before recognising', () => {
  it('cleans answers while a thread has room, and lets a burst of answers go uncleaned', async () => {
    const engine = await oneDecoderEngine({ poolSize: 2, denoiseMaxStreams: 1 });
    try {
      await engine.setDirectory(directory, phrases);
      const file = speechWav('alice', "Hello, I'd like to speak to Alice Johnson, please.");
      const alone = await recognise(engine, file);
      assert.equal(alone.at(-1)?.denoised, true);
      // Opened while the first is still being decoded: over the limit, so not cleaned.
      const [first, second] = await Promise.all([recognise(engine, file), recognise(engine, file)]);
      assert.deepEqual([first.at(-1)?.denoised, second.at(-1)?.denoised], [true, false]);
      assert.match(second.at(-1)?.text ?? '', /alice johnson/);
    } finally {
      await engine.close();
    }
  });

  it('cleans nothing when told not to', async () => {
    const engine = await oneDecoderEngine({ denoise: false });
    try {
      await engine.setDirectory(directory, phrases);
      const results = await recognise(
        engine,
        speechWav('alice', "Hello, I'd like to speak to Alice Johnson, please."),
      );
      assert.equal(results.at(-1)?.denoised, false);
      assert.match(results.at(-1)?.text ?? '', /alice johnson/);
    } finally {
      await engine.close();
    }
  });
});

describe('soundswallower engine: a recognition thread behind its callers', () => {
  const say = () => speechWav('alice', "Hello, I'd like to speak to Alice Johnson, please.");

  // When a thread counts as behind (a burst, a model load, a late decode) is the lag rule's,
  // tested on given times in lag.test.ts: on a real clock it depends on the machine's load.
  it('keeps the extras while within its lag budget, and says how far behind it was', async () => {
    const engine = await oneDecoderEngine({ shedLagMs: 10_000 });
    try {
      await engine.setDirectory(directory, phrases);
      const final = (await recognise(engine, say(), { paced: true })).at(-1);
      assert.match(final?.text ?? '', /alice johnson/);
      assert.equal(final?.denoised, true);
      assert.equal(typeof final?.fit, 'number');
      assert.equal(final?.checked, true);
      assert.equal(typeof final?.lagMs, 'number');
    } finally {
      await engine.close();
    }
  });

  it('drops them once it cannot keep up with its callers', async () => {
    const engine = await oneDecoderEngine({
      shedLagMs: 50,
      phoneLoopMaxStreams: 100,
      denoiseMaxStreams: 100,
    });
    try {
      await engine.setDirectory(directory, phrases);
      // Twelve callers speaking at once on one thread, each with both extras: more than one
      // core decodes in real time (about 0.15 s of CPU per second of audio each), so the
      // thread falls behind what they say.
      const finals = (
        await Promise.all(Array.from({ length: 12 }, () => recognise(engine, say(), { paced: true })))
      ).map((r) => r.at(-1));
      const shed = finals.filter((f) => f?.checked === false);
      assert.ok(shed.length > 0, `lags ${finals.map((f) => f?.lagMs).join(', ')}`);
      for (const f of shed) {
        assert.equal(f?.denoised, false);
        assert.equal(f?.fit, undefined, 'the decision is told the name went unchecked');
        assert.match(f?.text ?? '', /alice johnson/);
      }
    } finally {
      await engine.close();
    }
  });

  it('never sheds a file: its audio comes faster than anyone speaks', async () => {
    const engine = await oneDecoderEngine({ shedLagMs: 50 });
    try {
      await engine.setDirectory(directory, phrases);
      const final = (await recognise(engine, say(), { realTime: false })).at(-1);
      assert.equal(final?.denoised, true);
      assert.equal(typeof final?.fit, 'number');
      assert.equal(final?.lagMs, undefined);
    } finally {
      await engine.close();
    }
  });
});

describe('soundswallower engine after the directory changes', () => {
  const person = (id: string, name: string) =>
    `  - id: ${id}\n    type: person\n    name: "${name}"\n    destination: ${id}\n`;
  const v1 = `version: 1\nentries:\n${person('chinedu-okonkwo', 'Chinedu Okonkwo')}`;
  const v2 = `${v1}${person('zelda-quigley', 'Zelda Quigley')}`;

  it('gives a decoder made after the change every word, also those derived for the earlier directory', async () => {
    // One thread, one pooled decoder: two answers at once need a decoder made after the change.
    const engine = await oneDecoderEngine();
    try {
      await engine.setDirectory(parseDirectory(v1), phrases);
      const say = speechWav('okonkwo', "I'd like to speak to Chinedu Okonkwo, please.");
      assert.match((await recognise(engine, say)).at(-1)?.text ?? '', /okonkwo/);
      await engine.setDirectory(parseDirectory(v2), phrases);
      const both = await Promise.all([recognise(engine, say), recognise(engine, say)]);
      for (const results of both) assert.match(results.at(-1)?.text ?? '', /okonkwo/);
    } finally {
      await engine.close();
    }
  });

  it('searches the grammar a stream names, and the directory for the others', async () => {
    const engine = await oneDecoderEngine();
    try {
      const questions = parseQuestions(readFileSync('grammars/questions.yaml', 'utf8'));
      const weekday = questions.questions.find((q) => q.answer === '{weekday}');
      assert.ok(weekday);
      await engine.setDirectory(parseDirectory(v1), phrases);
      await engine.setDirectory(choiceEntries(weekday), answerPhrases(questions, phrases), 'weekday');
      const name = speechWav('okonkwo', "I'd like to speak to Chinedu Okonkwo, please.");
      const day = speechWav('its-thursday', "It's Thursday.");
      const signal = new AbortController().signal;
      // One decoder: it switches grammar between the streams.
      assert.match(
        (await recognise(engine, day, { signal, grammar: 'weekday' })).at(-1)?.text ?? '',
        /thursday/,
      );
      assert.match((await recognise(engine, name)).at(-1)?.text ?? '', /okonkwo/);
      assert.match(
        (await recognise(engine, day, { signal, grammar: 'weekday' })).at(-1)?.text ?? '',
        /thursday/,
      );
      assert.throws(
        () => engine.open({ sampleRate: 8000, hints: [], language: 'en-US', signal, grammar: 'nope' }),
        /no grammar "nope"/,
      );
    } finally {
      await engine.close();
    }
  });

  it("gives names the dictionary knows espeak-ng's pronunciation too, once", async () => {
    const engine = await oneDecoderEngine();
    try {
      const dictionary = engine.lexicon.pronunciations('siobhan').map((p) => p.join(' '));
      assert.ok(dictionary.length && !dictionary.includes('SH IH V AO N'), String(dictionary));
      const directory = parseDirectory(`version: 1\nentries:\n${person('siobhan-kelly', 'Siobhan Kelly')}`);
      await engine.setDirectory(directory, phrases);
      await engine.setDirectory(directory, phrases);
      const now = engine.lexicon.pronunciations('siobhan').map((p) => p.join(' '));
      assert.deepEqual(now, [...dictionary, 'SH IH V AO N']);
      // Carrier phrases keep the dictionary's alone.
      assert.equal(engine.lexicon.pronunciations('speak').length, 1);
    } finally {
      await engine.close();
    }
  });

  it('hands each grammar its own pronunciation snapshot: a later grammar leaves it alone', async () => {
    const engine = await oneDecoderEngine();
    try {
      const first = parseDirectory(`version: 1\nentries:\n${person('siobhan-kelly', 'Siobhan Kelly')}`);
      const second = parseDirectory(
        `version: 1\nentries:\n${person('xochitl-oyelaran', 'Xochitl Oyelaran')}`,
      );
      const a = await engine.setDirectory(first, phrases);
      const b = await engine.setDirectory(second, phrases);
      assert.ok(b.lexicon.pronunciations('oyelaran').length > 0, 'the second grammar reads its new name');
      assert.deepEqual(a.lexicon.pronunciations('oyelaran'), [], 'the first snapshot never learns it');
      assert.ok(a.lexicon.pronunciations('siobhan').length > 0);
      assert.equal(engine.lexicon, b.lexicon, 'the engine reads the last one built');
    } finally {
      await engine.close();
    }
  });

  it('hears a name said as its own language says it, with speech.soundswallower.nameLanguages', async () => {
    const engine = await oneDecoderEngine({
      nameLanguages: ['es', 'it', 'de', 'fr', 'pl', 'ga', 'vi', 'sw', 'zh'],
    });
    try {
      const directory = parseDirectory(
        `version: 1\nentries:\n${[
          'Grainne Byrne',
          'Thanh Pham',
          'Joaquin Ortiz',
          'Xavier Dupont',
          'Mary Jones',
          'Qiang Liu',
        ]
          .map((n) => person(n.toLowerCase().replace(' ', '-'), n))
          .join('')}`,
      );
      const before = engine.lexicon.pronunciations('grainne').length;
      await engine.setDirectory(directory, phrases);
      assert.ok(engine.lexicon.pronunciations('grainne').length > before, 'Irish reading added');
      // Names English settles (the dictionary and espeak-ng agree) get none.
      assert.equal(engine.lexicon.pronunciations('mary').length, 1);
      const said = speechWav('grawnya-asked-rms', 'Can I talk to Grawnya?');
      assert.match((await recognise(engine, said)).at(-1)?.text ?? '', /\bgrainne\b/);
      // Pinyin, which no espeak-ng voice reads: "Qiang" as "Chyang".
      assert.ok(
        engine.lexicon.pronunciations('qiang').some((p) => p.join(' ') === 'CH Y AA NG'),
        'pinyin reading added',
      );
      const pinyin = speechWav('chyang-rms', 'Can I talk to Chyang?');
      assert.match((await recognise(engine, pinyin)).at(-1)?.text ?? '', /\bqiang\b/);
    } finally {
      await engine.close();
    }
  });

  it("reads an entry's name in the languages the entry names, and only that entry's", async () => {
    const engine = await oneDecoderEngine({ nameLanguages: ['es'] });
    try {
      const directory = parseDirectory(
        `version: 1\nentries:\n${person('mary-jones', 'Mary Jones')}    languages: [pt]\n${person('tom-cruz', 'Tom Cruz')}`,
      );
      assert.deepEqual(directory[0]?.languages, ['pt']);
      await engine.setDirectory(directory, phrases);
      const readings = (w: string) => engine.lexicon.pronunciations(w).map((p) => p.join(' '));
      // Portuguese, though not in speech.soundswallower.nameLanguages, and though English settles "Jones".
      assert.ok(readings('jones').includes('ZH OW N IH SH'), String(readings('jones')));
      assert.deepEqual(readings('cruz'), ['K R UW Z']);
      assert.throws(
        () => parseDirectory(`version: 1\nentries:\n${person('a', 'A B')}    languages: ["--stdout"]\n`),
        /entry 1 \(a\) languages: an espeak-ng language/,
      );
    } finally {
      await engine.close();
    }
  });

  it('gives with its final result the free phones heard over the name', async () => {
    const engine = await oneDecoderEngine();
    try {
      const directory = parseDirectory(`version: 1\nentries:\n${person('siobhan-kelly', 'Siobhan Kelly')}`);
      await engine.setDirectory(directory, phrases);
      const said = speechWav('siobhan-kelly-please', 'I would like to speak to Siobhan Kelly, please.');
      const final = (await recognise(engine, said)).at(-1);
      assert.match(final?.text ?? '', /siobhan kelly/);
      // The name's phones, not the whole sentence's: a few for "Siobhan Kelly", not thirty.
      const phones = final?.phones ?? [];
      assert.ok(phones.length >= 5 && phones.length <= 20, phones.join(' '));
      // ...and they sound like the name, more than like another one.
      const reading = (...ws: string[]) => ws.flatMap((w) => engine.lexicon.pronunciations(w)[0] ?? []);
      assert.ok(
        phoneSimilarity(phones, reading('siobhan', 'kelly')) >
          phoneSimilarity(phones, reading('margaret', 'thompson')) + 0.1,
        phones.join(' '),
      );
      // Over the whole answer the loop hears the sentence's phones, about as many as its words
      // take to say (28 in the lexicon for "I would like to speak to Siobhan Kelly please").
      const loopPhones = final?.loopPhones ?? 0;
      assert.ok(loopPhones > phones.length + 10 && loopPhones < 40, `${loopPhones} phones`);
    } finally {
      await engine.close();
    }
  });

  it('lets callers spell out what the directory writes in capitals', async () => {
    const engine = await oneDecoderEngine();
    try {
      const directory = parseDirectory(
        'version: 1\nentries:\n  - id: ar\n    type: department\n    name: "Accounts Receivable"\n    aliases: ["AR"]\n    destination: ar\n',
      );
      await engine.setDirectory(directory, phrases);
      const pronunciations = engine.lexicon.pronunciations('ar').map((p) => p.join(' '));
      assert.ok(pronunciations.includes('EY AA R'), String(pronunciations));
      assert.ok(pronunciations.includes('AA R'), 'and still as the dictionary says it');
      const said = speechWav('a-r-please', 'A. R. please.');
      assert.match((await recognise(engine, said)).at(-1)?.text ?? '', /\bar\b/);
    } finally {
      await engine.close();
    }
  });
});

describe('doorman screen-file', () => {
  it('prints one JSON object per file, and an error object for a bad file', () => {
    const r = spawnSync(
      process.execPath,
      cliArgs(
        'screen-file',
        '--directory',
        'test/fixtures/directory.yaml',
        speechWav('alice', "Hello, I'd like to speak to Alice Johnson, please."),
        'package.json',
      ),
      { encoding: 'utf8', timeout: 60_000 },
    );
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 2, r.stderr);
    const [ok, bad] = lines;
    assert.deepEqual(Object.keys(ok).sort(), [
      'candidates',
      'entry',
      'file',
      'fit',
      'ms',
      'outcome',
      'transcript',
      'warp',
    ]);
    assert.ok(ok.fit > -40, `fit ${ok.fit}`);
    assert.ok([1, 0.9, 1.1].includes(ok.warp), `warp ${ok.warp}`);
    assert.equal(ok.outcome, 'match');
    assert.equal(ok.entry, 'alice-johnson');
    assert.equal(ok.candidates[0].id, 'alice-johnson');
    assert.match(bad.error, /not a usable WAV file/);
    assert.equal(r.status, 1, 'a bad file makes the exit status non-zero');
  });

  it('names nobody when a name comes with a sentence its words cannot account for, by phones and by time', () => {
    // One breath of four seconds; the grammar's words cover it as "to alice johnson around today",
    // stretched, and fit it well. The phone loop hears about 30 phones more than those words
    // take; the voiced time is over a second and a half longer than they take said slowly.
    const said = speechWav(
      'alice-then-a-sentence',
      'Alice Johnson regarding the quarterly invoice discrepancy from last Tuesday',
    );
    const outcome = (phones: number, ms: number) => {
      const r = spawnSync(
        process.execPath,
        cliArgs('screen-file', '--directory', 'test/fixtures/directory.yaml', said),
        {
          encoding: 'utf8',
          timeout: 60_000,
          env: {
            ...process.env,
            DOORMAN_CHALLENGE_UNEXPLAINED_PHONES: String(phones),
            DOORMAN_CHALLENGE_UNEXPLAINED_SPEECH_MS: String(ms),
          },
        },
      );
      return (JSON.parse(r.stdout) as { outcome: string; entry: string | null }).outcome;
    };
    assert.equal(outcome(0, 0), 'match', 'without either rule the stretched name is routed');
    assert.equal(outcome(10, 0), 'nomatch', 'challenge.unexplainedPhones (10)');
    assert.equal(outcome(0, 1_000), 'nomatch', 'challenge.unexplainedSpeechMs (1000)');
  });
});

describe('cepstral mean of one answer', () => {
  it("moves from the prior to the answer's own mean as its frames come in", () => {
    const mean = new CepstralMean(Float32Array.of(10, 0), 100);
    assert.deepEqual(Array.from(mean.current), [10, 0]);
    // The library was given the mean [10, 0] as 500 frames, then took in 100 frames of [20, 4].
    mean.observe(
      Float32Array.of(10 * LIBRARY_WINDOW_FRAMES + 100 * 20, 100 * 4),
      LIBRARY_WINDOW_FRAMES + 100,
    );
    assert.deepEqual(Array.from(mean.current), [15, 2]);
    // ...then, given [15, 2], 200 more of [20, 4]: the prior weighs 100 frames of the 400.
    mean.observe(
      Float32Array.of(15 * LIBRARY_WINDOW_FRAMES + 200 * 20, 2 * LIBRARY_WINDOW_FRAMES + 200 * 4),
      LIBRARY_WINDOW_FRAMES + 200,
    );
    assert.deepEqual(Array.from(mean.current), [17.5, 3]);
  });

  it('keeps the mean where the library took in no whole frame', () => {
    const mean = new CepstralMean(Float32Array.of(10), 100);
    mean.observe(Float32Array.of(10 * LIBRARY_WINDOW_FRAMES), LIBRARY_WINDOW_FRAMES);
    assert.deepEqual(Array.from(mean.current), [10]);
  });
});
