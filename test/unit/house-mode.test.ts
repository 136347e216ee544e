import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load.js';
import { underHouseMode } from '../../src/policy/house-mode.js';
import type { Verdict } from '../../src/policy/verdict.js';
import { readHouseMode } from '../../src/store/house-mode.js';
import { startTestWeb, type TestWeb } from '../support/web.js';

const route = { blocked: 'blocked', flooded: 'busy', machine: 'machines' };
const verdict = (check: string, destination: string): Verdict => ({
  kind: 'route',
  check,
  destination,
  reason: `${check} said so`,
});

describe('the house mode', () => {
  it('sends callers who pass to the mode’s destination, and leaves the turned away where they were sent', () => {
    const away = { destination: 'voicemail' };
    for (const check of ['allowlist', 'challenge', 'pin', 'bypass', 'default']) {
      const v = underHouseMode(verdict(check, 'desk'), 'away', away, route);
      assert.equal(v.destination, 'voicemail', check);
      assert.equal(v.reason, `${check} said so; away: to voicemail`);
    }
    assert.equal(underHouseMode(verdict('blocklist', 'desk'), 'away', away, route).destination, 'desk');
    assert.equal(underHouseMode(verdict('flood', 'busy'), 'away', away, route).destination, 'busy');
    assert.equal(
      underHouseMode(verdict('challenge', 'machines'), 'away', away, route).destination,
      'machines',
    );
    assert.equal(underHouseMode(verdict('challenge', 'blocked'), 'away', away, route).destination, 'blocked');
    const home = verdict('allowlist', 'desk');
    assert.equal(underHouseMode(home, 'home', {}, route), home, 'a mode that says nothing changes nothing');
  });

  it('refuses a mode destination that does not exist', () => {
    assert.throws(
      () => loadConfig({ env: {}, overrides: { 'house.away.destination': 'nowhere' } as never }),
      /house\.away\.destination/,
    );
  });

  describe('over the admin API', () => {
    let web: TestWeb;
    before(async () => {
      web = await startTestWeb();
    });
    after(() => web.close());

    const call = (method: string, body?: unknown) =>
      fetch(`${web.base}/api/house`, {
        method,
        headers: { authorization: `Bearer ${web.token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    it('reads home by default, switches to away and back, and refuses anything else', async () => {
      assert.deepEqual(await (await call('GET')).json(), {
        mode: 'home',
        destination: null,
        announce: null,
        summary: 'callers who pass go to their own destination',
      });
      const r = await call('POST', { mode: 'away' });
      assert.equal(r.status, 200);
      assert.equal((await r.json()).mode, 'away');
      assert.equal(await readHouseMode(web.store), 'away');
      assert.equal((await call('POST', { mode: 'holiday' })).status, 400);
      assert.equal(await readHouseMode(web.store), 'away', 'a refused switch changes nothing');
      await call('POST', { mode: 'home' });
      assert.equal(await readHouseMode(web.store), 'home');
    });
  });
});
