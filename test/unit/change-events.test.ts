import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { ScreeningSwitch } from '../../src/calls/screening-switch.js';
import { configSchema } from '../../src/config/schema.js';
import {
  type CallerChange,
  type CallerListed,
  ChangeFeed,
  type ScreeningChange,
} from '../../src/events/change-feed.js';
import { ScreeningWatch } from '../../src/events/screening-watch.js';
import { DurableWrites } from '../../src/store/durable-writes.js';
import { readBypass, setBypassFor, setScreening } from '../../src/store/screening-state.js';
import { type CallerInput, Store } from '../../src/store/store.js';
import type { AriConnection } from '../../src/telephony/ari.js';
import type { ChannelJson } from '../../src/telephony/ari-types.js';
import { Cached } from '../../src/util/cached.js';
import { Webhooks } from '../../src/webhooks/webhooks.js';
import { waitUntil } from '../support/doorman.js';
import { HOOK_SECRET, HookReceiver } from '../support/hook-receiver.js';
import { api, callRow, startTestWeb, type TestWeb } from '../support/web.js';

const log = pino({ level: 'silent' });

/** A feed that keeps what it was told. */
function recorder() {
  const feed = new ChangeFeed(log);
  const screening: ScreeningChange[] = [];
  const callers: CallerChange[] = [];
  feed.on('screening', (c) => screening.push(c));
  feed.on('caller', (c) => callers.push(c));
  return { feed, screening, callers };
}

/** The fields a receiver acts on (the time aside). */
const what = (c: CallerChange | undefined) => {
  if (!c || c.action === 'imported') return c;
  const { at, ...rest } = c;
  assert.ok(Date.parse(at) > Date.now() - 60_000);
  return rest;
};

describe('caller.listed: each API writer reports its change once', () => {
  let web: TestWeb;
  const seen = recorder();
  before(async () => {
    web = await startTestWeb({}, () => ({ changes: seen.feed }));
  });
  after(() => web.close());
  beforeEach(() => {
    seen.callers.length = 0;
  });

  const change = (over: Partial<CallerListed>) => ({
    number: '+15550102000',
    list: 'allow',
    from: null,
    destination: 'voicemail',
    source: 'api',
    addedBy: 'api (token tests)',
    scope: '',
    ...over,
  });

  it('adds, updates, moves and removes one entry', async () => {
    const added = await api(web, 'POST', '/api/callers', {
      number: '555-010-2000',
      destination: 'voicemail',
    });
    assert.equal(added.status, 201);
    assert.deepEqual(seen.callers.map(what), [change({ action: 'added' })]);

    seen.callers.length = 0;
    await api(web, 'POST', '/api/callers', { number: '555-010-2000', destination: 'desk' });
    await api(web, 'PATCH', `/api/callers/${added.body.id}`, { note: 'the plumber' });
    assert.deepEqual(seen.callers.map(what), [
      change({ action: 'updated', destination: 'desk' }),
      change({ action: 'updated', destination: 'desk' }),
    ]);

    seen.callers.length = 0;
    await api(web, 'POST', '/api/callers/bulk-move', { ids: [added.body.id], list: 'block' });
    assert.deepEqual(seen.callers.map(what), [
      change({ action: 'blocked', list: 'block', from: 'allow', destination: 'desk' }),
    ]);

    seen.callers.length = 0;
    const blocked = (await api(web, 'GET', '/api/callers?list=block')).body.items[0];
    assert.equal((await api(web, 'DELETE', `/api/callers/${blocked.id}`)).status, 204);
    assert.deepEqual(seen.callers.map(what), [
      change({ action: 'removed', list: 'block', destination: 'desk' }),
    ]);
    seen.callers.length = 0;
    assert.equal((await api(web, 'DELETE', `/api/callers/${blocked.id}`)).status, 404);
    assert.deepEqual(seen.callers, [], 'nothing removed, nothing reported');
  });

  it('reports a bulk delete per entry, and an import once', async () => {
    const csv = 'number,name,list\n5550103001,A,allow\n5550103002,B,block\nnot a number,,purple\n';
    const imported = await fetch(`${web.base}/api/callers/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${web.token}`, 'content-type': 'text/csv' },
      body: csv,
    });
    assert.equal(imported.status, 200);
    assert.equal(seen.callers.length, 1);
    const summary = seen.callers[0];
    assert.equal(summary?.action, 'imported');
    assert.deepEqual(
      summary?.action === 'imported' && [summary.imported, summary.rejected, summary.addedBy],
      [2, 1, 'api (token tests)'],
    );

    seen.callers.length = 0;
    const ids = (await api(web, 'GET', '/api/callers?search=555010300')).body.items.map(
      (c: { id: string }) => c.id,
    );
    assert.equal(ids.length, 2);
    assert.deepEqual((await api(web, 'POST', '/api/callers/bulk-delete', { ids })).body, { deleted: 2 });
    assert.deepEqual(seen.callers.map((c) => c.action === 'removed' && c.number).sort(), [
      '+15550103001',
      '+15550103002',
    ]);
  });

  it('reports callers filed from the screening log and numbers marked as spam', async () => {
    await web.store.recordCall(
      callRow('c-file', { caller_raw: '+15550104001', caller_number: '+15550104001', destination: 'desk' }),
    );
    await web.store.recordCall(
      callRow('c-spam', { caller_raw: '+15550104002', caller_number: '+15550104002' }),
    );
    const filed = await api(web, 'POST', '/api/calls/c-file/caller', { list: 'allow' });
    assert.equal(filed.status, 200);
    const fromLog = { source: 'api', addedBy: 'api (token tests)', scope: '' };
    assert.deepEqual(seen.callers.map(what), [
      { action: 'added', number: '+15550104001', list: 'allow', from: null, destination: 'desk', ...fromLog },
    ]);
    seen.callers.length = 0;
    await api(web, 'POST', '/api/calls/c-file/caller', { list: 'block' });
    assert.deepEqual(seen.callers.map(what), [
      {
        action: 'blocked',
        number: '+15550104001',
        list: 'block',
        from: 'allow',
        destination: null,
        ...fromLog,
      },
    ]);

    seen.callers.length = 0;
    await api(web, 'POST', '/api/calls/mark-spam', { ids: ['c-spam'] });
    assert.deepEqual(seen.callers.map(what), [
      { action: 'blocked', number: '+15550104002', list: 'block', from: null, destination: null, ...fromLog },
    ]);
  });

  it('are described in the OpenAPI document as webhooks', async () => {
    const doc = (await api(web, 'GET', '/api/openapi.json')).body;
    const body = (name: string) => doc.webhooks[name].post.requestBody.content['application/json'].schema;
    assert.deepEqual(body('screening.changed').properties.by.enum, ['api', 'phone', 'mqtt', 'elsewhere']);
    assert.deepEqual(
      body('caller.listed').oneOf.map(
        (o: { properties: { action: { enum?: string[]; const?: string } } }) => {
          const a = o.properties.action;
          return a.enum ?? [a.const];
        },
      ),
      [['added', 'blocked', 'updated', 'removed'], ['imported']],
    );
  });

  it('a listener that fails costs the writer nothing', async () => {
    const thrower = () => {
      throw new Error('receiver bug');
    };
    seen.feed.on('caller', thrower);
    try {
      const r = await api(web, 'POST', '/api/callers', { number: '555-010-5000' });
      assert.equal(r.status, 201);
      assert.equal(seen.callers.length, 1, 'the other listeners still heard it');
    } finally {
      seen.feed.off('caller', thrower);
    }
  });
});

describe('caller.listed: writes made during calls (durable queue)', () => {
  const input = (number: string, over: Partial<CallerInput> = {}): CallerInput => ({
    number,
    rawNumber: number,
    list: 'allow',
    source: 'screened',
    destination: 'desk',
    addedBy: 'challenge',
    ...over,
  });

  it('reports the after-call, phone-code and outbound writes once each, when the database takes them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doorman-changes-'));
    const url = `sqlite:${join(dir, 'doorman.db')}`;
    const queue = join(dir, 'queue.jsonl');
    const seen = recorder();

    // Queued while the database is down: nothing is reported yet.
    const dead = await Store.open({ url, timeoutMs: 1_000 });
    await dead.close();
    const down = new DurableWrites(dead, queue, log, 60_000, seen.feed);
    await down.write({ op: 'upsertCaller', input: input('+15550105001') });
    assert.equal(down.pending, 1);
    down.close();
    assert.deepEqual(seen.callers, []);

    const store = await Store.open({ url, timeoutMs: 1_000 });
    const writes = new DurableWrites(store, queue, log, 60_000, seen.feed);
    try {
      await writes.flush();
      // The caller who passed the challenge (after-call), then the phone's block (last-caller).
      await writes.write({
        op: 'fileCaller',
        input: input('+15550105001', {
          list: 'block',
          source: 'phone',
          destination: null,
          addedBy: 'extension 201',
        }),
      });
      // An outbound dial allowlists once; the next dial of the same number changes nothing.
      const outbound = input('+15550105002', {
        source: 'outbound',
        destination: null,
        addedBy: 'outbound via trunk',
      });
      await writes.write({ op: 'addCallerIfAbsent', input: outbound });
      await writes.write({ op: 'addCallerIfAbsent', input: outbound });
      await writes.write({ op: 'recordHit', id: 'none' });
      assert.deepEqual(seen.callers.map(what), [
        {
          action: 'added',
          number: '+15550105001',
          list: 'allow',
          from: null,
          destination: 'desk',
          source: 'screened',
          addedBy: 'challenge',
          scope: '',
        },
        {
          action: 'blocked',
          number: '+15550105001',
          list: 'block',
          from: 'allow',
          destination: null,
          source: 'phone',
          addedBy: 'extension 201',
          scope: '',
        },
        {
          action: 'added',
          number: '+15550105002',
          list: 'allow',
          from: null,
          destination: null,
          source: 'outbound',
          addedBy: 'outbound via trunk',
          scope: '',
        },
      ]);
    } finally {
      writes.close();
      await store.close();
    }
  });
});

describe('screening.changed', () => {
  let web: TestWeb;
  let watch: ScreeningWatch;
  const seen = recorder();
  before(async () => {
    web = await startTestWeb({}, (store) => {
      watch = new ScreeningWatch(store, new Cached(() => readBypass(store), 0), seen.feed, log);
      return { screening: watch };
    });
  });
  after(async () => {
    watch.stop();
    await web.close();
  });
  beforeEach(() => {
    seen.screening.length = 0;
  });
  const brief = () =>
    seen.screening.map(({ screening, bypassUntil, by }) => ({ screening, bypassUntil, by }));

  it('reports each change made through the API once, as the API', async () => {
    await api(web, 'POST', '/api/screening', { on: false });
    await api(web, 'POST', '/api/screening', { on: false });
    await api(web, 'POST', '/api/screening', { on: true });
    const until = (await api(web, 'POST', '/api/screening/bypass', { minutes: 30 })).body.bypassUntil;
    await api(web, 'POST', '/api/screening/bypass', { minutes: 0 });
    assert.deepEqual(brief(), [
      { screening: 'off', bypassUntil: null, by: 'api' },
      { screening: 'on', bypassUntil: null, by: 'api' },
      { screening: 'off', bypassUntil: until, by: 'api' },
      { screening: 'on', bypassUntil: null, by: 'api' },
    ]);
  });

  it('notices a change made elsewhere (the CLI, another Doorman), but not a bypass running out', async () => {
    watch.watch(50);
    await new Promise((r) => setTimeout(r, 100));
    await setScreening(web.store, false);
    await waitUntil('the change is seen', () => seen.screening.length === 1);
    assert.deepEqual(brief(), [{ screening: 'off', bypassUntil: null, by: 'elsewhere' }]);
    await setScreening(web.store, true);
    const until = await setBypassFor(web.store, 0.02);
    await waitUntil('the bypass is seen', () => !!brief().at(-1)?.bypassUntil);
    assert.deepEqual(brief().at(-1), {
      screening: 'off',
      bypassUntil: until?.toISOString(),
      by: 'elsewhere',
    });
    const count = seen.screening.length;
    await new Promise((r) => setTimeout(r, (until?.getTime() ?? 0) - Date.now() + 300));
    assert.equal(seen.screening.length, count, 'the bypass ran out: no event');
    watch.stop();
  });

  it('reports the *28 feature code as the phone', async () => {
    const ari = {
      answer: async () => {},
      hangup: async () => {},
      setDeviceState: async () => {},
    } as unknown as AriConnection;
    const bypass = new Cached(() => readBypass(web.store), 0);
    const toggle = new ScreeningSwitch(ari, web.store, bypass, watch, log);
    const channel = { id: 'phone-1', caller: { number: '201' } } as ChannelJson;
    const before = (await readBypass(web.store)).off;
    await toggle.toggle(channel, async () => {});
    assert.equal((await readBypass(web.store)).off, !before);
    assert.deepEqual(brief(), [{ screening: before ? 'on' : 'off', bypassUntil: null, by: 'phone' }]);
  });
});

describe('webhooks: screening.changed and caller.listed', () => {
  it('are delivered signed to the receivers that asked for them, and to no other', async () => {
    const subscribed = new HookReceiver();
    const callsOnly = new HookReceiver(40_000 + ((process.pid + 1) % 20_000));
    await subscribed.start();
    await callsOnly.start();
    const config = configSchema.parse({
      webhooks: {
        endpoints: [
          {
            url: subscribed.url,
            secret: HOOK_SECRET,
            events: ['call.finished', 'screening.changed', 'caller.listed'],
          },
          { url: callsOnly.url, secret: HOOK_SECRET },
        ],
        outboxDir: mkdtempSync(join(tmpdir(), 'doorman-hooks-')),
        retryMinMs: 100,
      },
    });
    const hooks = new Webhooks(config.webhooks, log);
    const feed = new ChangeFeed(log);
    hooks.follow(feed);
    hooks.start();
    const dir = mkdtempSync(join(tmpdir(), 'doorman-changes-'));
    const store = await Store.open({ url: `sqlite:${join(dir, 'doorman.db')}`, timeoutMs: 2_000 });
    const watch = new ScreeningWatch(store, new Cached(() => readBypass(store), 0), feed, log);
    try {
      await watch.change('api', () => setBypassFor(store, 60));
      feed.listed(
        await store.upsertCaller({
          number: '+15550106001',
          rawNumber: '5550106001',
          list: 'allow',
          source: 'api',
          destination: 'desk',
          addedBy: 'alice',
        }),
      );
      feed.imported({ imported: 3, rejected: [] }, 'alice');
      await waitUntil('all three delivered', () => subscribed.events.length === 3);
      assert.equal(subscribed.badSignatures, 0);
      const [screening, listed, imported] = subscribed.events;
      assert.equal(screening?.type, 'screening.changed');
      assert.equal(screening?.type === 'screening.changed' && screening.by, 'api');
      assert.equal(screening?.type === 'screening.changed' && screening.screening, 'off');
      assert.match(screening?.id ?? '', /^screening\.changed:/);
      assert.equal(listed?.type, 'caller.listed');
      assert.deepEqual(
        listed?.type === 'caller.listed' && listed.action !== 'imported' && [listed.action, listed.number],
        ['added', '+15550106001'],
      );
      assert.deepEqual(
        imported?.type === 'caller.listed' && imported.action === 'imported' && imported.imported,
        3,
      );
      // The default receiver hears of calls only: give it time to have been sent anything.
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(callsOnly.events, []);
    } finally {
      await hooks.stop();
      await store.close();
      await subscribed.stop();
      await callsOnly.stop();
    }
  });
});
