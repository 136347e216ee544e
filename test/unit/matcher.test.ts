import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { continueAnswer } from '../../src/challenge/answer.js';
import { CHOICES_OFFERED, CLEAR_FULL_NAME_FIT, DEFAULT_POLICY, decide } from '../../src/match/decide.js';
import { type DirectoryEntry, parseDirectory } from '../../src/match/directory.js';
import { passEntry } from '../../src/match/expected-callers.js';
import { DirectoryMatcher } from '../../src/match/matcher.js';
import { words } from '../../src/match/normalize.js';
import { parsePhrases } from '../../src/match/phrases.js';
import { phoneSimilarity } from '../../src/match/pronunciation.js';
import { modelLexicon } from '../support/lexicon.js';

const phrases = parsePhrases(readFileSync('grammars/phrases.yaml', 'utf8'));
const person = (id: string, name: string, aliases: string[] = []): DirectoryEntry => ({
  id,
  type: 'person',
  name,
  aliases,
  sounds_like: [],
  destination: 'desk',
  enabled: true,
});
const department = (id: string, name: string, aliases: string[] = []): DirectoryEntry => ({
  ...person(id, name, aliases),
  type: 'department',
});
const entries: DirectoryEntry[] = [
  person('ann-lee', 'Ann Lee'),
  person('anne-leigh', 'Anne Leigh'),
  person('catherine-walsh', 'Catherine Walsh', ['Cathy']),
  person('kathryn-welsh', 'Kathryn Welsh'),
  person('margaret-thompson', 'Margaret Thompson', ['Maggie']),
  person('priya-raghunathan', 'Priya Raghunathan', ['Dr. Raghunathan']),
  department('sales', 'Sales', ['new business']),
  { ...person('gone', 'Gordon Gone'), enabled: false },
];
const matcher = new DirectoryMatcher(entries, phrases, modelLexicon());
/** The test directory and these entries. */
const matcherWith = (...more: DirectoryEntry[]) =>
  new DirectoryMatcher([...entries, ...more], phrases, modelLexicon());
const outcome = (transcript: string, speechMs = 2_000) => {
  const m = matcher.match(transcript);
  return decide({ speechMs, transcriptWords: m.words.length, candidates: m.candidates });
};

describe('directory matcher', () => {
  it('routes a full name wrapped in carrier phrases', () => {
    assert.deepEqual(outcome("hi um i'd like to speak to margaret thompson please"), {
      outcome: 'match',
      entry: 'margaret-thompson',
      contenders: ['margaret-thompson'],
    });
  });

  it('takes a word of what callers naming nobody say as a name only when spelled the same', () => {
    // An admin's own words that name nobody ("why", "sorry"): the grammar hears them as
    // themselves, so one heard is not a name that sounds like it.
    const withWords = { ...phrases, nobody: [...phrases.nobody, 'why', 'reception'] };
    const dir = [...entries, person('wei-zhang', 'Wei Zhang'), department('reception', 'Reception')];
    const m = new DirectoryMatcher(dir, withWords, modelLexicon());
    assert.equal(m.match('why').candidates.find((c) => c.id === 'wei-zhang')?.score ?? 0, 0);
    assert.equal(m.match('wei').candidates[0]?.id, 'wei-zhang');
    // Spelled the same, it is the name: "reception" both names nobody and a department.
    assert.equal(m.match('reception please').candidates[0]?.id, 'reception');
    // Without the word in the list, "why" is heard as much like Wei as a name misheard would be.
    const plain = new DirectoryMatcher(dir, phrases, modelLexicon());
    assert.ok((plain.match('why').candidates.find((c) => c.id === 'wei-zhang')?.score ?? 0) > 0.7);
  });

  it('knows aliases, titles with surnames, and departments', () => {
    assert.equal(outcome('is maggie there').entry, 'margaret-thompson');
    assert.equal(outcome('doctor raghunathan please').entry, 'priya-raghunathan');
    assert.equal(outcome('can i speak to miz thompson').entry, 'margaret-thompson');
    assert.equal(outcome('put me through to new business').entry, 'sales');
  });

  it("takes a department's alias whole over its one-word name with a word left over", () => {
    const m = matcherWith(department('support', 'Support', ['technical support']));
    // "Support" alone would leave "technical" unexplained, and a one-word name is doubted more.
    const heard = m.match('i need technical support please');
    assert.deepEqual(heard.candidates[0], {
      id: 'support',
      score: 1,
      heard: 'technical support',
      department: true,
    });
    assert.deepEqual(heard.unexplained, []);
    const lone = m.match('i need support please').candidates[0];
    assert.deepEqual(lone, { id: 'support', score: 1, heard: 'support', oneWord: true, department: true });
  });

  it('ends homophones as ambiguous rather than guessing', () => {
    const d = outcome('can i talk to anne leigh');
    assert.equal(d.outcome, 'ambiguous');
    assert.deepEqual([...d.contenders].sort(), ['ann-lee', 'anne-leigh']);
    assert.equal(outcome('is ann there').outcome, 'ambiguous');
  });

  it('knows the usual nicknames of a first name the directory gives no aliases for', () => {
    const plain = new DirectoryMatcher(
      [
        person('william-harris', 'William Harris'),
        person('robert-kemp', 'Robert Kemp', ['Robbie']),
        person('katherine-moss', 'Katherine Moss'),
        person('catherine-walsh', 'Catherine Walsh'),
      ],
      phrases,
      modelLexicon(),
    );
    const route = (transcript: string) => {
      const m = plain.match(transcript);
      return decide({ speechMs: 2_000, transcriptWords: m.words.length, candidates: m.candidates });
    };
    assert.equal(route('can i talk to bill harris').entry, 'william-harris');
    assert.equal(route('is bill there').entry, 'william-harris');
    // The admin listed how Robert is asked for: only that.
    assert.equal(route('robbie please').entry, 'robert-kemp');
    assert.notEqual(route('is bob there').entry, 'robert-kemp');
    // A nickname two people share names neither of them alone.
    const kate = route('kate please');
    assert.equal(kate.outcome, 'ambiguous');
    assert.deepEqual([...kate.contenders].sort(), ['catherine-walsh', 'katherine-moss']);
  });

  it('keeps names that differ by a sound apart', () => {
    assert.equal(outcome('catherine walsh').entry, 'catherine-walsh');
    assert.equal(outcome('kathryn welsh please').entry, 'kathryn-welsh');
  });

  it('tolerates a recogniser spelling a name differently', () => {
    assert.equal(outcome('margret tomson').entry, 'margaret-thompson');
  });

  it('names nobody on greetings, roles and strangers', () => {
    for (const t of [
      'hello is anybody there',
      'good morning',
      'can i speak to the manager please',
      'is gordon gone there',
    ]) {
      assert.equal(outcome(t).outcome, 'nomatch', t);
    }
  });

  it('tells machines and silence from people', () => {
    assert.equal(outcome('', 0).outcome, 'silence');
    assert.equal(outcome('margaret thompson', 9_000).outcome, 'machine');
    const monologue = 'this is a message about your account '.repeat(5);
    assert.equal(outcome(monologue, 3_000).outcome, 'machine');
    assert.ok(DEFAULT_POLICY.machineSpeechMs > 4_800, 'people answering take at most a few seconds');
  });

  it('names nobody when the recogniser says its words fit the audio badly', () => {
    const m = matcher.match('margaret thompson');
    const evidence = { speechMs: 2_000, transcriptWords: m.words.length, candidates: m.candidates };
    assert.equal(decide({ ...evidence, fit: -5 }).outcome, 'match');
    assert.equal(decide({ ...evidence, fit: DEFAULT_POLICY.confirmAcousticFit - 1 }).outcome, 'nomatch');
    assert.equal(decide(evidence).outcome, 'match', 'engines without a fit are not held to it');
  });

  it('names nobody when the speech is far longer than the words heard take to say', () => {
    // "uh margaret thompson": AH, M AA R G R AH T, T AA M S AH N in the lexicon's shortest readings.
    const m = matcher.match('uh margaret thompson');
    assert.equal(m.phones, 14);
    const evidence = {
      speechMs: 5_000,
      transcriptWords: m.words.length,
      candidates: m.candidates,
      transcriptPhones: m.phones,
    };
    // 14 phones take 2.1 s said slowly; a second more can be a pause the voice detector kept.
    assert.equal(decide({ ...evidence, voicedMs: 3_000 }).outcome, 'match');
    assert.equal(decide({ ...evidence, voicedMs: 3_200 }).outcome, 'nomatch');
    assert.equal(
      decide({ ...evidence, voicedMs: 3_200 }, { ...DEFAULT_POLICY, unexplainedSpeechMs: 0 }).outcome,
      'match',
    );
    assert.equal(
      decide({ ...evidence, transcriptPhones: undefined, voicedMs: 3_200 }).outcome,
      'match',
      'unknown voiced time: not held to it',
    );
    // A short name said alone is long for its phones, and still a name.
    const maggie = matcher.match('maggie');
    assert.equal(
      decide({
        speechMs: 700,
        voicedMs: 700,
        transcriptWords: 1,
        candidates: maggie.candidates,
        transcriptPhones: maggie.phones,
      }).outcome,
      'match',
    );
    // A word the lexicon cannot read counts a phone per letter.
    assert.equal(matcher.match('zzyzx').phones, 5);
  });

  it('names nobody when the phone loop heard far more phones than the words heard take to say', () => {
    // "uh margaret thompson": 14 phones in the lexicon's shortest readings.
    const m = matcher.match('uh margaret thompson');
    const evidence = {
      speechMs: 2_500,
      transcriptWords: m.words.length,
      candidates: m.candidates,
      transcriptPhones: m.phones,
    };
    // Ten phones beyond them: two or three words the transcript does not hold.
    const policy = DEFAULT_POLICY;
    assert.equal(policy.unexplainedPhones, 10);
    assert.equal(decide({ ...evidence, loopPhones: 24 }, policy).outcome, 'match');
    assert.equal(decide({ ...evidence, loopPhones: 25 }, policy).outcome, 'nomatch');
    assert.equal(
      decide({ ...evidence, loopPhones: 8 }, policy).outcome,
      'match',
      'fewer phones heard: not doubted',
    );
    assert.equal(
      decide({ ...evidence, loopPhones: 25 }, { ...policy, unexplainedPhones: 0 }).outcome,
      'match',
    );
    assert.equal(
      decide({ ...evidence, loopPhones: undefined }, policy).outcome,
      'match',
      'an engine without a phone loop: not held to it',
    );
  });

  it('adds up the voiced time of an answer that went on over the hold, and judges the whole', () => {
    const deps = { matcher, policy: DEFAULT_POLICY };
    // Each part alone takes about as long as its words; together the second part's 2.5 s of speech
    // was heard as one word: "margaret thompson ... [a sentence] ... please".
    const first = { transcript: 'margaret thompson', speechMs: 1_500, voicedMs: 1_400 };
    const whole = continueAnswer(deps, first, { transcript: 'please', speechMs: 3_000, voicedMs: 2_500 });
    assert.equal(whole.voicedMs, 3_900);
    assert.equal(whole.evidence.voicedMs, 3_900);
    assert.equal(whole.decision.outcome, 'nomatch');
    const short = continueAnswer(deps, first, { transcript: 'please', speechMs: 500, voicedMs: 400 });
    assert.equal(short.decision.outcome, 'match');
    // A part whose voiced time is unknown leaves the whole unknown, and not held to it.
    const { voicedMs: _unknown, ...older } = first;
    assert.equal(
      continueAnswer(deps, older, { transcript: 'please', speechMs: 3_000, voicedMs: 2_500 }).evidence
        .voicedMs,
      undefined,
    );
    // The phones the loop heard add up as well.
    const heard = { ...first, loopPhones: 14 };
    const on = continueAnswer(deps, heard, {
      transcript: 'please',
      speechMs: 1_000,
      voicedMs: 900,
      loopPhones: 14,
    });
    assert.equal(on.evidence.loopPhones, 28);
    assert.equal(on.decision.outcome, 'nomatch', '28 phones heard for the 17 of "margaret thompson please"');
    const kept = continueAnswer(deps, heard, {
      transcript: 'please',
      speechMs: 500,
      voicedMs: 400,
      loopPhones: 5,
    });
    assert.equal(kept.decision.outcome, 'match');
  });

  it('asks the caller to confirm a name that fits just below the line, rather than refuse it', () => {
    const m = matcher.match('margaret thompson');
    const evidence = { speechMs: 2_000, transcriptWords: m.words.length, candidates: m.candidates };
    const { minAcousticFit, confirmAcousticFit } = DEFAULT_POLICY;
    assert.ok(confirmAcousticFit < minAcousticFit);
    assert.deepEqual(decide({ ...evidence, fit: (minAcousticFit + confirmAcousticFit) / 2 }), {
      outcome: 'ambiguous',
      entry: null,
      contenders: ['margaret-thompson'],
    });
    assert.equal(decide({ ...evidence, fit: minAcousticFit }).outcome, 'match');
    // With the two equal, a doubtful answer is refused as before; turning the check off
    // (minAcousticFit at its floor) turns the question off with it.
    const strict = { ...DEFAULT_POLICY, confirmAcousticFit: minAcousticFit };
    assert.equal(decide({ ...evidence, fit: minAcousticFit - 1 }, strict).outcome, 'nomatch');
    const off = { ...DEFAULT_POLICY, minAcousticFit: -1000 };
    assert.equal(decide({ ...evidence, fit: -500 }, off).outcome, 'match');
    // Confirming never makes a weak match: a name scoring under acceptScore stays nobody.
    const weak = matcher.match('is gordon gone there');
    const unsure = { speechMs: 2_000, transcriptWords: weak.words.length, candidates: weak.candidates };
    assert.equal(decide({ ...unsure, fit: minAcousticFit - 1 }).outcome, 'nomatch');
  });

  it('reads no name back to a caller heard saying one name word that fits badly: asks for the full name', () => {
    // "Hey." heard as "kate", "Hello?" as "leigh": a greeting the grammar forced onto a name.
    const { oneWordNameFit, minAcousticFit } = DEFAULT_POLICY;
    assert.ok(oneWordNameFit > minAcousticFit, 'stricter than for a full name');
    // A surname, a first name's alias, a title and surname, a department: one name word each.
    for (const said of ['thompson', 'maggie', 'doctor raghunathan', 'sales']) {
      const m = matcher.match(said);
      assert.equal(m.candidates[0]?.oneWord, true, said);
      const evidence = { speechMs: 800, transcriptWords: m.words.length, candidates: m.candidates };
      assert.deepEqual(
        decide({ ...evidence, fit: oneWordNameFit - 1 }),
        { outcome: 'nomatch', entry: null, contenders: [], askFullName: true },
        said,
      );
      assert.equal(decide({ ...evidence, fit: oneWordNameFit }).outcome, 'match', said);
      assert.equal(decide(evidence).outcome, 'match', `${said}: an engine without a fit is not held to it`);
      assert.equal(
        decide({ ...evidence, fit: oneWordNameFit - 1 }, { ...DEFAULT_POLICY, oneWordNameFit: -1000 })
          .outcome,
        'match',
        `${said}: -1000 turns it off`,
      );
    }
    // Two name words at that fit are routed as before.
    const full = matcher.match('margaret thompson');
    assert.equal(full.candidates[0]?.oneWord, undefined);
    const e = { speechMs: 1_500, transcriptWords: 2, candidates: full.candidates };
    assert.equal(decide({ ...e, fit: oneWordNameFit - 1 }).outcome, 'match');
  });

  it('holds a lone name word after a way of asking to a lower fit than one said alone', () => {
    const { oneWordNameFit, askedNameFit } = DEFAULT_POLICY;
    assert.ok(askedNameFit < oneWordNameFit);
    const asking = matcher.match('can i talk to maggie');
    assert.equal(asking.asked, true);
    // "to" or "is" alone is what a greeting is often heard as: not a way of asking.
    assert.equal(matcher.match('uh to maggie').asked, false);
    assert.equal(matcher.match('maggie').asked, false);
    const evidence = (m: typeof asking, fit: number) => ({
      speechMs: 1_200,
      transcriptWords: m.words.length,
      candidates: m.candidates,
      fit,
      ...(m.asked ? { asked: true } : {}),
    });
    const between = (oneWordNameFit + askedNameFit) / 2;
    assert.equal(decide(evidence(asking, between)).outcome, 'match');
    assert.equal(decide(evidence(matcher.match('uh to maggie'), between)).outcome, 'nomatch');
    assert.deepEqual(decide(evidence(asking, askedNameFit - 1)), {
      outcome: 'nomatch',
      entry: null,
      contenders: [],
      askFullName: true,
    });
  });

  it('asks for the full name, not a choice of some, when a lone name word fits more entries than can be offered', () => {
    // A large directory: four people called Ingrid. Reading three of them, picked by directory
    // order, to whoever said "Ingrid" (or a greeting heard as it) is a guess that tells who works here.
    const ingrids = ['Walsh', 'Brown', 'Okafor', 'Lindqvist'].map((s) =>
      person(`ingrid-${s.toLowerCase()}`, `Ingrid ${s}`),
    );
    const many = new DirectoryMatcher([...entries, ...ingrids], phrases, modelLexicon());
    const heard = many.match('ingrid');
    assert.ok(heard.candidates.length > CHOICES_OFFERED, 'every Ingrid fits the one word alike');
    const evidence = { speechMs: 800, transcriptWords: 1, candidates: heard.candidates, fit: -20 };
    assert.deepEqual(decide(evidence), {
      outcome: 'nomatch',
      entry: null,
      contenders: [],
      askFullName: true,
    });
    // The full name picks one of them.
    const full = many.match('ingrid okafor');
    assert.deepEqual(decide({ ...evidence, transcriptWords: 2, candidates: full.candidates }), {
      outcome: 'match',
      entry: 'ingrid-okafor',
      contenders: ['ingrid-okafor'],
    });
    // As many as a choice holds are still offered: two of them, both read.
    const two = new DirectoryMatcher([...entries, ...ingrids.slice(0, 2)], phrases, modelLexicon());
    const d = decide({ ...evidence, candidates: two.match('ingrid').candidates });
    assert.equal(d.outcome, 'ambiguous');
    assert.deepEqual([...d.contenders].sort(), ['ingrid-brown', 'ingrid-walsh']);
  });

  it('with fullNameSound, refuses a full name that fits only so-so and sounds little like its entry', () => {
    // "Can I speak to the manager?" heard as a full name among many common ones.
    const full = matcher.match('can i speak to margaret thompson please');
    assert.equal(full.candidates[0]?.oneWord, undefined);
    const soundsLike = new Map([['margaret-thompson', 0.3]]);
    const evidence = { speechMs: 1_500, transcriptWords: 7, candidates: full.candidates, soundsLike };
    const large = { ...DEFAULT_POLICY, fullNameSound: 0.45 };
    const doubtful = { ...evidence, fit: CLEAR_FULL_NAME_FIT - 20 };
    assert.deepEqual(decide(doubtful, large), { outcome: 'nomatch', entry: null, contenders: [] });
    // Off by default, and never for a full name that fits clearly or sounds like its entry.
    assert.equal(decide(doubtful).outcome, 'match');
    assert.equal(decide({ ...evidence, fit: CLEAR_FULL_NAME_FIT }, large).outcome, 'match');
    const soundsRight = new Map([['margaret-thompson', 0.6]]);
    assert.equal(decide({ ...doubtful, soundsLike: soundsRight }, large).outcome, 'match');
    // Without the free phones (Google's answers, an unchecked answer) there is nothing to compare.
    assert.equal(decide({ ...doubtful, soundsLike: new Map() }, large).outcome, 'match');
  });

  it('asks for the full name, not a choice, when a lone name word sounds more like another entry', () => {
    // "Hey." heard as "kate", its phones nearer another name: offering both would tell a caller
    // who named nobody who works here.
    const m = matcher.match('thompson');
    assert.equal(m.candidates[0]?.oneWord, true);
    const soundsLike = new Map([
      ['margaret-thompson', 0.5],
      ['alice-johnson', 0.8],
    ]);
    const evidence = { speechMs: 800, transcriptWords: 1, candidates: m.candidates, fit: -20, soundsLike };
    assert.deepEqual(decide(evidence), {
      outcome: 'nomatch',
      entry: null,
      contenders: [],
      askFullName: true,
    });
    // A full name the phones doubt the same way is still offered with its rival.
    const full = matcher.match('margaret thompson');
    assert.deepEqual(decide({ ...evidence, transcriptWords: 2, candidates: full.candidates }), {
      outcome: 'ambiguous',
      entry: null,
      contenders: ['margaret-thompson', 'alice-johnson'],
    });
  });

  it('offers a department heard alone with a department it sounds like, never with a person', () => {
    const m = matcherWith(department('support', 'Support'));
    const heard = m.match('sales please');
    assert.deepEqual(heard.candidates[0], {
      id: 'sales',
      score: 1,
      heard: 'sales',
      oneWord: true,
      department: true,
    });
    const evidence = (rival: string) => ({
      speechMs: 900,
      transcriptWords: 2,
      candidates: heard.candidates,
      fit: -30,
      soundsLike: new Map([
        ['sales', 0.4],
        [rival, 0.6],
      ]),
    });
    // Its one word is its whole name: there is no fuller one to ask for.
    assert.deepEqual(decide(evidence('support')), {
      outcome: 'ambiguous',
      entry: null,
      contenders: ['sales', 'support'],
    });
    // Phones nearer a person may be a person asked for ("Is Millie there?" heard as "billing",
    // sounding like Robert Miller): that name is not read to the caller, who is asked again.
    assert.deepEqual(decide(evidence('priya-raghunathan')), {
      outcome: 'nomatch',
      entry: null,
      contenders: [],
      askFullName: true,
    });
    // Heard badly, it is asked for again, not offered; so is an alias of two words ("is this the
    // dentist's office?" heard as "dispatch office"), where a person's full name would be routed.
    const badly = DEFAULT_POLICY.oneWordNameFit - 1;
    assert.equal(decide({ ...evidence('support'), fit: badly }).outcome, 'nomatch');
    const alias = matcher.match('new business');
    assert.equal(alias.candidates[0]?.oneWord, undefined);
    const twoWords = { speechMs: 900, transcriptWords: 2, candidates: alias.candidates, fit: badly };
    assert.deepEqual(decide(twoWords), {
      outcome: 'nomatch',
      entry: null,
      contenders: [],
      askFullName: true,
    });
    const fullName = { ...twoWords, candidates: matcher.match('margaret thompson').candidates };
    assert.equal(decide(fullName).outcome, 'match');
  });

  it("takes an expected caller's pass as a name, not as a department", () => {
    const pass = passEntry({
      id: 'p1',
      words: ['Acme Bank'],
      numberPrefix: null,
      destination: 'desk',
      expiresAt: '2030-01-01T00:00:00.000Z',
      note: null,
    });
    assert.equal(pass.type, 'department');
    // The challenge tells its matcher which entries are passes (they are the ones that end).
    const m = new DirectoryMatcher([...entries, pass], phrases, modelLexicon(), new Set([pass.id]));
    const heard = m.match('hi this is acme bank returning your call').candidates[0];
    assert.equal(heard?.id, 'expected-p1');
    assert.equal(heard?.department, undefined);
    // An admin's own department is one whatever its id says.
    const own = department('expected-deliveries', 'Acme Bank');
    assert.equal(matcherWith(own).match('acme bank please').candidates[0]?.department, true);
    // So a fit a department's name would be refused at is confirmed, as for a person's full name.
    const evidence = { speechMs: 2_500, transcriptWords: 8, candidates: [heard], fit: -85 };
    assert.deepEqual(decide(evidence as Parameters<typeof decide>[0]), {
      outcome: 'ambiguous',
      entry: null,
      contenders: ['expected-p1'],
    });
  });

  it('asks the caller to confirm a name the recogniser had no time to check', () => {
    const m = matcher.match('margaret thompson');
    const evidence = { speechMs: 2_000, transcriptWords: m.words.length, candidates: m.candidates };
    assert.deepEqual(decide({ ...evidence, checked: false }), {
      outcome: 'ambiguous',
      entry: null,
      contenders: ['margaret-thompson'],
    });
    assert.equal(decide({ ...evidence, checked: true, fit: -5 }).outcome, 'match');
    assert.equal(decide(evidence).outcome, 'match', 'engines that never check are not held to it');
    assert.equal(
      decide({ ...evidence, checked: false }, { ...DEFAULT_POLICY, confirmUnchecked: false }).outcome,
      'match',
    );
    // Nothing else changes: nobody named stays nobody, a near tie still offers both.
    const weak = matcher.match('is gordon gone there');
    const unsure = { speechMs: 2_000, transcriptWords: weak.words.length, candidates: weak.candidates };
    assert.equal(decide({ ...unsure, checked: false }).outcome, 'nomatch');
    const tie = matcher.match('ann lee');
    const both = decide({ speechMs: 2_000, transcriptWords: 2, candidates: tie.candidates, checked: false });
    assert.equal(both.outcome, 'ambiguous');
    assert.ok(both.contenders.length > 1, JSON.stringify(both));
  });

  it('asks for the full name, rather than reading back, a lone name word left unchecked', () => {
    // "Hello" under load, heard as one name word: confirming it would read the name to the caller.
    const one = matcher.match('margaret');
    const evidence = { speechMs: 800, transcriptWords: 1, candidates: one.candidates };
    assert.equal(one.candidates[0]?.oneWord, true);
    assert.deepEqual(decide({ ...evidence, checked: false }), {
      outcome: 'nomatch',
      entry: null,
      contenders: [],
      askFullName: true,
    });
    assert.equal(decide({ ...evidence, checked: true, fit: -5 }).outcome, 'match', 'checked: routed');
    assert.equal(
      decide({ ...evidence, checked: false }, { ...DEFAULT_POLICY, confirmUnchecked: false }).outcome,
      'match',
      'an admin who routes unchecked names routes this one too',
    );
  });

  it('hears which entry free phones sound like, with no grammar to force a name', () => {
    // "Maggie" as a free phone loop might hear it: one vowel off, a stray consonant at the end.
    const maggie = ['M', 'AE', 'G', 'IH', 'T'];
    const heard = matcher.soundsLike(maggie, 'priya-raghunathan', 0.05);
    const ranked = [...heard].sort((a, b) => b[1] - a[1]);
    assert.equal(ranked[0]?.[0], 'margaret-thompson', JSON.stringify(ranked));
    assert.ok((heard.get('priya-raghunathan') ?? 1) < 0.5, 'the named entry is always scored');
    assert.ok(!heard.has('gone'), 'a disabled entry is not a candidate');
    // Only entries that could outdo the named one by the margin are given.
    const named = matcher.soundsLike(maggie, 'margaret-thompson', 0.05);
    assert.deepEqual([...named.keys()], ['margaret-thompson']);
    assert.equal(matcher.soundsLike([], 'margaret-thompson', 0.05).size, 0);
    // A hostile phone list is cut short, not scored in full.
    assert.equal(matcher.soundsLike(Array(100_000).fill('AA'), 'sales', 0.05).size >= 1, true);
  });

  it('asks rather than routes when the free phones sound like another entry', () => {
    const m = matcher.match('margaret thompson');
    const evidence = { speechMs: 2_000, transcriptWords: m.words.length, candidates: m.candidates };
    const sounds = (margaret: number, priya: number) =>
      new Map([
        ['margaret-thompson', margaret],
        ['priya-raghunathan', priya],
      ]);
    assert.equal(decide({ ...evidence, soundsLike: sounds(0.7, 0.4) }).outcome, 'match');
    // Within the margin: the grammar's name stands.
    assert.equal(
      decide({ ...evidence, soundsLike: sounds(0.5, 0.5 + DEFAULT_POLICY.phoneMargin) }).outcome,
      'match',
    );
    const asked = decide({ ...evidence, soundsLike: sounds(0.3, 0.6) });
    assert.equal(asked.outcome, 'ambiguous');
    assert.deepEqual(asked.contenders, ['margaret-thompson', 'priya-raghunathan']);
    assert.equal(
      decide({ ...evidence, soundsLike: sounds(0.3, 0.6) }, { ...DEFAULT_POLICY, phoneMargin: 1 }).outcome,
      'match',
    );
    // A bad fit still names nobody, whatever the phones sound like.
    assert.equal(decide({ ...evidence, fit: -500, soundsLike: sounds(0.3, 0.6) }).outcome, 'nomatch');
  });

  it('reads two names in doubt to choose from only when the answer fits them well enough', () => {
    const m = matcher.match('margaret thompson');
    const evidence = {
      speechMs: 2_000,
      transcriptWords: m.words.length,
      candidates: m.candidates,
      soundsLike: new Map([
        ['margaret-thompson', 0.3],
        ['priya-raghunathan', 0.6],
      ]),
    };
    const at = (fit: number) => decide({ ...evidence, fit });
    assert.equal(at(DEFAULT_POLICY.rivalFit).outcome, 'ambiguous');
    // Below the line (and above the one a lone full name is still routed at), nobody is read
    // out: the caller is asked again, as a caller naming nobody would be.
    assert.ok(DEFAULT_POLICY.rivalFit - 1 > DEFAULT_POLICY.minAcousticFit);
    assert.deepEqual(at(DEFAULT_POLICY.rivalFit - 1), { outcome: 'nomatch', entry: null, contenders: [] });
    // Without a rival by sound, the same fit routes the name it heard.
    assert.equal(
      decide({ ...evidence, soundsLike: undefined, fit: DEFAULT_POLICY.rivalFit - 1 }).outcome,
      'match',
    );
    assert.equal(
      decide({ ...evidence, fit: -75 }, { ...DEFAULT_POLICY, rivalFit: -1000 }).outcome,
      'ambiguous',
    );
  });

  it('survives hostile transcripts', () => {
    const hostile = [
      "'; DROP TABLE callers; --",
      '<script>alert(1)</script>',
      'Zoë Ørsted 李小龍 🤖',
      '\u0000\u0007\u001b[31m',
      'a'.repeat(10_000),
      'margaret '.repeat(2_000),
    ];
    for (const t of hostile) {
      const m = matcher.match(t);
      assert.ok(Array.isArray(m.candidates));
      for (const c of m.candidates) assert.ok(c.score >= 0 && c.score <= 1, `${c.id} ${c.score}`);
    }
  });

  it('normalises words the way directories and recognisers spell them', () => {
    assert.deepEqual(words("Daniel O'Brien"), ['daniel', 'obrien']);
    assert.deepEqual(words('Dr. Al-Sayed'), ['doctor', 'al', 'sayed']);
    assert.deepEqual(words('José Hernández'), ['jose', 'hernandez']);
  });

  it('scores phones: same 1, near sounds high, unrelated low', () => {
    assert.equal(phoneSimilarity(['W', 'AO', 'L', 'SH'], ['W', 'AO', 'L', 'SH']), 1);
    const near = phoneSimilarity(['W', 'AO', 'L', 'SH'], ['W', 'EH', 'L', 'SH']);
    const far = phoneSimilarity(['HH', 'AY'], ['G', 'UH', 'D', 'B', 'AY']);
    assert.ok(near > 0.85 && near < 1, String(near));
    assert.ok(far < 0.5, String(far));
  });
});

describe('directory files', () => {
  it('reads the sample directory', () => {
    const dir = parseDirectory(readFileSync('grammars/directory.yaml', 'utf8'));
    assert.ok(dir.length >= 5);
    assert.ok(dir.every((e) => e.enabled));
  });

  it('names the entry and field that is wrong', () => {
    const bad =
      'version: 1\nentries:\n  - id: ok\n    type: person\n    name: A B\n    destination: desk\n  - id: Bad Id\n    type: person\n    name: C\n    destination: desk\n';
    assert.throws(() => parseDirectory(bad, 'dir.yaml'), /dir\.yaml: entry 2 \(Bad Id\) id: /);
    assert.throws(() => parseDirectory('entries: [', 'x.yaml'), /x\.yaml: not valid YAML/);
    const twice =
      'entries:\n  - {id: a, type: person, name: A, destination: d}\n  - {id: a, type: person, name: B, destination: d}\n';
    assert.throws(() => parseDirectory(twice), /entry id a appears twice/);
  });
});
