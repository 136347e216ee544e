import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  answeredRight,
  answerPhrases,
  choiceEntries,
  expectedAnswer,
  parseQuestions,
} from '../../src/challenge/questions.js';
import { decide } from '../../src/match/decide.js';
import { DirectoryMatcher } from '../../src/match/matcher.js';
import { parsePhrases } from '../../src/match/phrases.js';
import { modelLexicon } from '../support/lexicon.js';

const phrases = parsePhrases(readFileSync('grammars/phrases.yaml', 'utf8'));
const packaged = parseQuestions(readFileSync('grammars/questions.yaml', 'utf8'));
const weekday = packaged.questions.find((q) => q.answer === '{weekday}');
// 2026-11-24 is a Tuesday; noon local time, whatever the zone.
const tuesday = new Date(2026, 10, 24, 12);

describe('second questions', () => {
  it('reads the packaged questions, each right answer among its choices', () => {
    assert.ok(weekday);
    for (const q of packaged.questions) {
      assert.ok(q.answer === '{weekday}' || q.choices.includes(q.answer), q.ask);
    }
  });

  it("knows today's day, in local time", () => {
    assert.ok(weekday);
    assert.equal(expectedAnswer(weekday, tuesday), 'tuesday');
    assert.equal(expectedAnswer(weekday, new Date(2026, 10, 29, 23, 59)), 'sunday');
  });

  it('hears an answer among the choices, and judges only the right one right', () => {
    assert.ok(weekday);
    const matcher = new DirectoryMatcher(
      choiceEntries(weekday),
      answerPhrases(packaged, phrases),
      modelLexicon(),
    );
    const heard = (transcript: string) => {
      const m = matcher.match(transcript);
      const d = decide({ speechMs: 1_000, transcriptWords: m.words.length, candidates: m.candidates });
      return d.outcome === 'match' ? d.entry : null;
    };
    assert.equal(heard("uh it's tuesday"), 'tuesday');
    assert.equal(answeredRight(weekday, heard("uh it's tuesday"), tuesday), true);
    assert.equal(answeredRight(weekday, heard('thursday'), tuesday), false);
    assert.equal(answeredRight(weekday, heard(''), tuesday), false);
    assert.equal(answeredRight(weekday, null, tuesday), false);
  });

  it('names the question and field of a malformed file', () => {
    const bad = (yaml: string) => () => parseQuestions(yaml, 'q.yaml');
    assert.throws(bad('questions: []'), /q\.yaml: questions: /);
    assert.throws(
      bad('questions:\n  - ask: What is one plus one?\n    choices: [one, three]\n    answer: two\n'),
      /questions\.0\.answer: "two" is not one of the choices/,
    );
    assert.throws(
      bad('questions:\n  - ask: Which day?\n    choices: [monday, tuesday]\n    answer: "{weekday}"\n'),
      /questions\.0\.choices: \{weekday\} needs sunday, wednesday, thursday, friday, saturday/,
    );
    assert.throws(
      bad('questions:\n  - ask: Colour?\n    choices: [Red, "<b>"]\n    answer: Red\n'),
      /lower-case/,
    );
    assert.throws(bad('nonsense: 1\n'), /q\.yaml/);
    assert.throws(bad('questions: [\n'), /q\.yaml: not valid YAML/);
  });
});
