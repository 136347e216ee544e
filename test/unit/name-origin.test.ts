import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { markedLanguages, pinyinSyllables } from '../../src/match/name-origin.js';

const ALL = ['es', 'it', 'de', 'fr', 'pl', 'ga', 'vi', 'sw', 'zh'];

describe('languages a name is plainly spelled in', () => {
  it('sees Irish, Polish, Vietnamese and pinyin spellings', () => {
    for (const w of ['niamh', 'siobhan', 'aoife', 'saoirse', 'padraig', 'caoimhe', 'tadhg'])
      assert.deepEqual(markedLanguages(w, ALL), ['ga'], w);
    for (const w of ['krzysztof', 'grzegorz', 'szymanski', 'mickiewicz'])
      assert.deepEqual(markedLanguages(w, ALL), ['pl'], w);
    for (const w of ['hoa', 'minh', 'thanh', 'nguyen', 'huy'])
      assert.deepEqual(markedLanguages(w, ALL), ['vi'], w);
    for (const w of ['xiaoling', 'zhang', 'qiang', 'cui'])
      assert.deepEqual(markedLanguages(w, ALL), ['zh'], w);
  });

  it('leaves English spellings and names with no plain mark alone', () => {
    for (const w of [
      'craig',
      'william',
      'wanda',
      'sean',
      'mary',
      'john',
      'ngozi',
      'chen',
      'wei',
      'tom',
      'anne',
    ])
      assert.deepEqual(markedLanguages(w, ALL), [], w);
  });

  it('only names languages it was given', () => {
    assert.deepEqual(markedLanguages('niamh', ['es', 'pl']), []);
    assert.deepEqual(markedLanguages('zhang', ['zh']), ['zh']);
  });
});

describe('pinyin', () => {
  it('reads whole names syllable by syllable, the fewest syllables first', () => {
    assert.deepEqual(pinyinSyllables('zhang'), ['JH', 'AA', 'NG']);
    assert.deepEqual(pinyinSyllables('xiaoling'), ['SH', 'Y', 'AW', 'L', 'IY', 'NG']);
    assert.deepEqual(pinyinSyllables('xian'), ['SH', 'Y', 'EH', 'N'], 'one syllable, not xi-an');
    assert.deepEqual(pinyinSyllables('shi'), ['SH', 'ER'], 'a buzzed i after sh');
    assert.deepEqual(pinyinSyllables('yi'), ['IY']);
  });

  it('refuses what pinyin cannot spell', () => {
    for (const w of ['mary', 'smith', 'hoa', 'brian', 'xyz', '']) assert.equal(pinyinSyllables(w), null, w);
  });
});
