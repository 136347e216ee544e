import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { judgeTranscript } from '../../src/challenge/answer.js';
import { DirectoryService } from '../../src/challenge/directory-service.js';
import { type Challenge, createChallenge, loadDirectoryFile } from '../../src/challenge/setup.js';
import { configSchema } from '../../src/config/schema.js';
import { MAX_DIRECTORY_ENTRIES } from '../../src/match/directory.js';
import { passRule } from '../../src/match/expected-callers.js';
import { NumberRules } from '../../src/match/number-rules.js';
import { Store } from '../../src/store/store.js';
import { directoryOf } from '../../src/web/routes/directory.js';
import { api, startTestWeb, type TestWeb } from '../support/web.js';

const logger = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'doorman-directory-'));
const config = configSchema.parse({
  store: { url: `sqlite:${join(dir, 'doorman.db')}`, timeoutMs: 5_000 },
  directory: { file: 'test/fixtures/directory.yaml' },
  speech: { soundswallower: { threads: 1, poolSize: 1 } },
});
const ZELDA = {
  type: 'person' as const,
  name: 'Zelda Quigley',
  aliases: [],
  sounds_like: [],
  destination: 'voicemail',
  enabled: true,
};
const heard = (c: Challenge, text: string) => judgeTranscript(c.deps, text, 1_000).decision;

describe('the directory in the database', () => {
  let store: Store;
  let here: Challenge;
  let there: Challenge;
  let service: DirectoryService;
  let other: DirectoryService;
  let web: TestWeb;

  before(async () => {
    store = await Store.open(config.store);
    const seed = loadDirectoryFile(config.directory.file);
    here = await createChallenge(config, seed, logger);
    there = await createChallenge(config, seed, logger);
    service = new DirectoryService(store, here, config, logger);
    // Another PBX on the same database.
    other = new DirectoryService(store, there, config, logger);
    // The same database as the service: expected callers are written by the API, read by the service.
    web = await startTestWeb({ store: config.store }, () => ({ directory: directoryOf(here, service) }));
  });
  after(async () => {
    await web?.close();
    await Promise.all([here?.engine.close(), there?.engine.close()]);
    await store?.close();
  });

  it('is seeded from the file, then edited: the matcher (and grammar) know a new name at once', async () => {
    await service.sync();
    await other.sync();
    const seeded = here.entries.length;
    assert.ok(seeded > 0);
    assert.notEqual(heard(here, 'zelda quigley please').entry, 'zelda-quigley');
    assert.equal(await service.put({ id: 'zelda-quigley', ...ZELDA }), 'added');
    assert.equal(here.entries.length, seeded + 1);
    assert.equal(heard(here, 'zelda quigley please').entry, 'zelda-quigley');
    // The other PBX follows on its next look at the database.
    assert.notEqual(heard(there, 'zelda quigley please').entry, 'zelda-quigley');
    await other.sync();
    assert.equal(heard(there, 'zelda quigley please').entry, 'zelda-quigley');
  });

  it('refuses an entry for a destination that does not exist, and bad YAML, with the reason', async () => {
    await assert.rejects(
      service.put({ id: 'nobody', ...ZELDA, destination: 'nowhere' }),
      /no destination named "nowhere"/,
    );
    await assert.rejects(service.import('entries: [{id: x}]'), /entry 1 \(x\)/);
  });

  it('refuses a directory larger than the recogniser can search, before anything is replaced', async () => {
    const before = here.entries.map((e) => e.id);
    const person = (i: number) => `  - {id: p-${i}, type: person, name: Person ${i}, destination: desk}`;
    const yaml = (n: number) =>
      `version: 1\nentries:\n${Array.from({ length: n }, (_, i) => person(i)).join('\n')}\n`;
    // 1.9 MB of entries: the review's import, which kept every recognition thread busy for minutes.
    const huge = yaml(30_000);
    assert.ok(huge.length > 1_500_000);
    await assert.rejects(service.import(huge), /30,000 entries: a directory holds at most 2,500/);
    await assert.rejects(
      service.import(yaml(MAX_DIRECTORY_ENTRIES + 1)),
      /2,501 entries: a directory holds at most 2,500/,
    );
    const aliases = Array.from({ length: 21 }, (_, i) => `alias ${i}`).join(', ');
    await assert.rejects(
      service.import(
        `entries:\n  - {id: a, type: person, name: A B, destination: desk, aliases: [${aliases}]}\n`,
      ),
      /entry 1 \(a\) aliases/,
    );
    assert.deepEqual(
      here.entries.map((e) => e.id),
      before,
    );
  });

  it('hears an expected caller’s words while the pass lives, and not once it has ended', async () => {
    const line = 'hi this is acme bank returning your call';
    assert.doesNotMatch(String(heard(here, line).entry), /^expected-/);
    const added = await api(web, 'POST', '/api/expected-callers', {
      words: ['Acme Bank', 'Acme'],
      destination: 'desk',
      hours: 4,
      note: 'fraud alert callback',
    });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const id = `expected-${added.body.id}`;
    assert.equal(heard(here, line).entry, id, 'heard at once: the API reloads the directory');
    assert.equal(here.expires.get(id), added.body.expiresAt);
    // Not part of the directory itself: not listed, not exported.
    const listed = await api(web, 'GET', '/api/directory');
    assert.ok(!listed.body.items.some((e: { id: string }) => e.id === id));
    assert.doesNotMatch(service.export(), /Acme/);
    assert.deepEqual(
      (await api(web, 'GET', '/api/expected-callers')).body.items.map((p: { words: string[] }) => p.words),
      [['Acme Bank', 'Acme']],
    );
    // Another PBX on the database hears it on its next look.
    await other.sync();
    assert.equal(heard(there, line).entry, id);
    // The pass ends: gone at the next look, without anyone touching the directory.
    await web.store.db
      .updateTable('expected_callers')
      .set({ expires_at: new Date(Date.now() - 1_000).toISOString() })
      .execute();
    await service.sync();
    assert.doesNotMatch(String(heard(here, line).entry), /^expected-/);
    assert.equal(here.expires.size, 0);
    assert.deepEqual((await api(web, 'GET', '/api/expected-callers')).body.items, []);
    assert.equal((await api(web, 'DELETE', `/api/expected-callers/${added.body.id}`)).status, 204);
    assert.equal((await api(web, 'DELETE', `/api/expected-callers/${added.body.id}`)).status, 404);
    // A pass by number alone: no entry in the grammar, an allow rule while it lives.
    const byNumber = await api(web, 'POST', '/api/expected-callers', {
      numberPrefix: '+1800555',
      destination: 'desk',
      hours: 1,
    });
    assert.equal(byNumber.status, 201, JSON.stringify(byNumber.body));
    await service.sync();
    assert.equal(here.expires.size, 0);
    const rule = passRule(byNumber.body);
    assert.deepEqual(
      [rule?.list, rule?.kind, rule?.pattern, rule?.destination],
      ['allow', 'prefix', '+1800555', 'desk'],
    );
    assert.equal(new NumberRules(rule ? [rule] : []).match('allow', '+18005550123')?.destination, 'desk');
    assert.equal((await api(web, 'DELETE', `/api/expected-callers/${byNumber.body.id}`)).status, 204);
    for (const [body, why] of [
      [{ numberPrefix: '1800', destination: 'desk', hours: 1 }, /a prefix is \+ and 1 to 15 digits/],
      [{ words: ['<script>'], destination: 'desk', hours: 1 }, /letters, spaces/],
      [{ words: ['Bank'], destination: 'nowhere', hours: 1 }, /no destination named "nowhere"/],
      [{ words: ['Bank'], destination: 'desk', hours: 24 * 30 }, /336/],
      [{ words: [], destination: 'desk', hours: 1 }, /words/],
    ] as const) {
      const r = await api(web, 'POST', '/api/expected-callers', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(r.body.message, why);
    }
  });

  it('takes only languages espeak-ng reads (and zh, pinyin), saying which one it does not', async () => {
    const bad = await api(web, 'PUT', '/api/directory/entries/zelda-quigley', {
      ...ZELDA,
      languages: ['qq'],
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /entry zelda-quigley: espeak-ng has no language "qq"/);
    await assert.rejects(
      service.import(
        'entries:\n  - {id: a, type: person, name: A B, destination: desk, languages: [de, xx-yy]}\n',
      ),
      /entry a: espeak-ng has no language "xx-yy"/,
    );
    // A voice file name ("fr") and a listed code ("pt-br") alike.
    const ok = await api(web, 'PUT', '/api/directory/entries/zelda-quigley', {
      ...ZELDA,
      languages: ['fr', 'pt-br', 'zh'],
    });
    assert.equal(ok.status, 200);
    assert.equal((await api(web, 'DELETE', '/api/directory/entries/zelda-quigley')).status, 204);
  });

  it('is edited over the API: put, remove, import and export YAML', async () => {
    const put = await api(web, 'PUT', '/api/directory/entries/yusuf-okafor', {
      ...ZELDA,
      name: 'Yusuf Okafor',
      sounds_like: ['you soof oh car for'],
    });
    assert.deepEqual([put.status, put.body.result], [200, 'added']);
    const tried = await api(web, 'POST', '/api/directory/try', { text: 'yusuf okafor' });
    assert.equal(tried.body.entry, 'yusuf-okafor');
    const bad = await api(web, 'PUT', '/api/directory/entries/Bad_Id', ZELDA);
    assert.equal(bad.status, 400);
    const exported = await fetch(`${web.base}/api/directory/export`, {
      headers: { authorization: `Bearer ${web.token}` },
    });
    const yaml = await exported.text();
    assert.match(exported.headers.get('content-type') ?? '', /application\/yaml/);
    assert.match(yaml, /id: yusuf-okafor/);
    assert.equal((await api(web, 'DELETE', '/api/directory/entries/yusuf-okafor')).status, 204);
    assert.equal((await api(web, 'DELETE', '/api/directory/entries/yusuf-okafor')).status, 404);
    const imported = await fetch(`${web.base}/api/directory/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${web.token}`, 'content-type': 'application/yaml' },
      body: 'version: 1\nentries:\n  - {id: only-one, type: department, name: Accounts, destination: desk}\n',
    });
    assert.deepEqual(await imported.json(), { entries: 1 });
    assert.deepEqual(
      (await api(web, 'GET', '/api/directory')).body.items.map((e: { id: string }) => e.id),
      ['only-one'],
    );
    const broken = await fetch(`${web.base}/api/directory/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${web.token}`, 'content-type': 'application/yaml' },
      body: 'entries: [',
    });
    assert.equal(broken.status, 400);
    assert.match(((await broken.json()) as { message: string }).message, /not valid YAML/);
  });
});
