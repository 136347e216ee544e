import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { LiveFeed } from '../../src/calls/live-feed.js';
import type { Finding } from '../../src/cli/doctor.js';
import { checkMqtt } from '../../src/cli/doctor-mqtt.js';
import { loadConfig } from '../../src/config/load.js';
import type { HouseModeName } from '../../src/config/sections/house.js';
import { ChangeFeed } from '../../src/events/change-feed.js';
import { ScreeningWatch } from '../../src/events/screening-watch.js';
import { MqttBridge } from '../../src/integrations/mqtt-bridge.js';
import { readHouseMode } from '../../src/store/house-mode.js';
import { readBypass } from '../../src/store/screening-state.js';
import { Store } from '../../src/store/store.js';
import { Cached } from '../../src/util/cached.js';
import { waitUntil } from '../support/doorman.js';
import { CuttableProxy, mosquitto } from '../support/mqtt-broker.js';

/** Doorman's MQTT bridge against a real Mosquitto on loopback, through a proxy that can drop it. */
describe('MQTT and Home Assistant (real Mosquitto)', () => {
  const root = `doorman-test-${randomUUID().slice(0, 8)}`;
  const config = loadConfig({
    env: {},
    overrides: {
      'mqtt.topic': root,
      'mqtt.discoveryPrefix': `${root}-ha`,
      'mqtt.nodeId': 'pbx1',
    } as never,
  });
  let broker: Awaited<ReturnType<typeof mosquitto>>;
  let proxy: CuttableProxy;
  let store: Store;
  let bridge: MqttBridge;
  let watcher: MqttClient;
  const live = new LiveFeed();
  const log = pino({ level: 'silent' });
  const changes = new ChangeFeed(log);
  let screening: ScreeningWatch;
  const seen = new Map<string, string>();
  const events: string[] = [];
  let activeCalls = 0;
  let house: Cached<HouseModeName>;

  before(async () => {
    broker = await mosquitto();
    proxy = new CuttableProxy(broker.port);
    const port = await proxy.start();
    const dir = mkdtempSync(join(tmpdir(), 'doorman-mqtt-'));
    store = await Store.open({ url: `sqlite:${join(dir, 'doorman.db')}`, timeoutMs: 2_000 });
    const bypass = new Cached(() => readBypass(store), 0);
    house = new Cached(() => readHouseMode(store), 60_000);
    screening = new ScreeningWatch(store, bypass, changes, log);
    screening.watch(100);
    watcher = mqtt.connect(`mqtt://127.0.0.1:${broker.port}`);
    watcher.on('message', (topic, payload) => {
      seen.set(topic, payload.toString());
      if (topic === `${root}/event` || topic === `${root}/error`) events.push(payload.toString());
    });
    await new Promise<void>((r) => watcher.on('connect', () => r()));
    await watcher.subscribeAsync([`${root}/#`, `${root}-ha/#`]);
    bridge = new MqttBridge(
      { ...config.mqtt, url: `mqtt://127.0.0.1:${port}` },
      { store, bypass, screening, live, changes, activeCalls: () => activeCalls, house, log },
    );
    bridge.start();
  });
  after(async () => {
    screening?.stop();
    await bridge?.stop();
    // Retained messages of this run are cleared, so the broker keeps nothing of the test.
    for (const topic of seen.keys()) await watcher.publishAsync(topic, '', { retain: true });
    await watcher?.endAsync();
    await proxy?.stop();
    await store?.close();
    await broker?.stop();
  });

  it('announces a switch and two sensors to Home Assistant, and its state, retained', async () => {
    await waitUntil('the state is published', () => seen.has(`${root}/state/active_calls`));
    assert.equal(seen.get(`${root}/status`), 'online');
    assert.equal(seen.get(`${root}/state/screening`), 'ON');
    assert.equal(seen.get(`${root}/state/bypass_until`), 'None');
    const sw = JSON.parse(seen.get(`${root}-ha/switch/pbx1/screening/config`) ?? '{}');
    assert.equal(sw.command_topic, `${root}/set/screening`);
    assert.equal(sw.state_topic, `${root}/state/screening`);
    assert.deepEqual([sw.payload_on, sw.payload_off], ['ON', 'OFF']);
    for (const object of ['bypass_until', 'active_calls']) {
      const sensor = JSON.parse(seen.get(`${root}-ha/sensor/pbx1/${object}/config`) ?? '{}');
      assert.equal(sensor.state_topic, `${root}/state/${object}`);
    }
    for (const [topic, text] of seen) {
      if (!topic.endsWith('/config')) continue;
      const c = JSON.parse(text);
      // What Home Assistant needs of every discovery payload, and one device for them all.
      assert.match(c.unique_id, /^doorman_pbx1_/);
      assert.ok(c.name && c.state_topic && c.availability_topic === `${root}/status`, topic);
      assert.deepEqual(c.device.identifiers, ['doorman_pbx1']);
    }
  });

  it('switches screening off and on, and bypasses for a while, on command', async () => {
    await watcher.publishAsync(`${root}/set/screening`, 'OFF');
    await waitUntil('screening is off', async () => (await readBypass(store)).off);
    await waitUntil('the switch shows it', () => seen.get(`${root}/state/screening`) === 'OFF');
    await watcher.publishAsync(`${root}/set/screening`, 'ON');
    await waitUntil('screening is on', async () => !(await readBypass(store)).off);
    await watcher.publishAsync(`${root}/set/bypass`, '30');
    await waitUntil('a bypass runs', async () => (await readBypass(store)).until !== null);
    const until = (await readBypass(store)).until?.getTime() ?? 0;
    assert.ok(Math.abs(until - (Date.now() + 30 * 60_000)) < 10_000);
    await waitUntil('the sensor shows its end', () => seen.get(`${root}/state/bypass_until`) !== 'None');
    await watcher.publishAsync(`${root}/set/screening`, 'ON');
    await waitUntil('on again ends the bypass', async () => (await readBypass(store)).until === null);
  });

  it('switches the house mode on command, shown at once, and offers it to Home Assistant as a select', async () => {
    const select = JSON.parse(seen.get(`${root}-ha/select/pbx1/house/config`) ?? '{}');
    assert.deepEqual(select.options, ['home', 'away']);
    assert.equal(select.command_topic, `${root}/set/house`);
    await waitUntil('the mode is published', () => seen.get(`${root}/state/house`) === 'home');
    await watcher.publishAsync(`${root}/set/house`, 'away');
    await waitUntil('away', async () => (await readHouseMode(store)) === 'away');
    // The running app's cached mode is let go of, so the next call sees it at once.
    await waitUntil('the select shows it', () => seen.get(`${root}/state/house`) === 'away');
    await watcher.publishAsync(`${root}/set/house`, 'holiday');
    await waitUntil('refused', () => events.some((e) => e.includes('house takes home or away')));
    assert.equal(await readHouseMode(store), 'away', 'a bad value changes nothing');
    await watcher.publishAsync(`${root}/set/house`, 'HOME');
    await waitUntil('home again', async () => (await readHouseMode(store)) === 'home');
  });

  it('publishes screening and list changes as events, not retained', async () => {
    const changed = () =>
      events.map((e) => JSON.parse(e)).filter((e) => e.type === 'screening.changed' && e.by === 'mqtt');
    const before = changed().length;
    await watcher.publishAsync(`${root}/set/bypass`, '15');
    await waitUntil('the bypass is published as an event', () => changed().length === before + 1);
    const bypassed = changed().at(-1);
    assert.equal(bypassed.screening, 'off');
    assert.ok(Math.abs(Date.parse(bypassed.bypassUntil) - (Date.now() + 15 * 60_000)) < 10_000);
    await watcher.publishAsync(`${root}/set/screening`, 'ON');
    await waitUntil('ending it early too', () => changed().length === before + 2);
    assert.deepEqual([changed().at(-1).screening, changed().at(-1).bypassUntil], ['on', null]);

    const entry = await store.upsertCaller({
      number: '+15550100777',
      rawNumber: '555-010-0777',
      list: 'block',
      source: 'api',
      addedBy: 'tests',
    });
    changes.listed(entry);
    await waitUntil('the list change is published', () => events.some((e) => e.includes('caller.listed')));
    const listed = JSON.parse(events.find((e) => e.includes('caller.listed')) ?? '{}');
    assert.deepEqual(
      [listed.action, listed.number, listed.list, listed.from, listed.addedBy],
      ['blocked', '+15550100777', 'block', null, 'tests'],
    );

    // A subscriber arriving later is given the state, never old events.
    const late = mqtt.connect(`mqtt://127.0.0.1:${broker.port}`);
    const retained: string[] = [];
    late.on('message', (topic) => retained.push(topic));
    await new Promise<void>((r) => late.on('connect', () => r()));
    await late.subscribeAsync([`${root}/event`, `${root}/state/screening`]);
    await waitUntil('the state arrives retained', () => retained.includes(`${root}/state/screening`));
    await new Promise((r) => setTimeout(r, 300));
    await late.endAsync();
    assert.deepEqual(retained, [`${root}/state/screening`]);
  });

  it('refuses an unknown command or a bad value with a message, and changes nothing', async () => {
    await watcher.publishAsync(`${root}/set/reboot`, 'now');
    await watcher.publishAsync(`${root}/set/screening`, 'maybe');
    await waitUntil('both refused', () => events.filter((e) => e.includes('"error"')).length >= 2);
    assert.ok(
      events.some((e) => e.includes('unknown command \\"reboot\\"')),
      events.join('\n'),
    );
    assert.ok(events.some((e) => e.includes('screening takes ON or OFF')));
    assert.equal((await readBypass(store)).off, false);
  });

  it('publishes calls as they start and finish, and the calls in progress', async () => {
    activeCalls = 1;
    live.publish({
      type: 'started',
      callId: 'c1',
      at: new Date().toISOString(),
      callerNumber: '+15550001',
      callerName: 'ACME',
      did: '15550001000',
      route: 'default',
    });
    await waitUntil('the start is published', () => events.some((e) => e.includes('call.started')));
    await waitUntil('one call in progress', () => seen.get(`${root}/state/active_calls`) === '1');
    activeCalls = 0;
    live.publish({
      type: 'finished',
      callId: 'c1',
      at: new Date().toISOString(),
      outcome: 'routed',
      destination: 'desk',
      reason: 'asked for Alice Johnson',
    });
    await waitUntil('the end is published', () => events.some((e) => e.includes('call.finished')));
    const finished = JSON.parse(events.find((e) => e.includes('call.finished')) ?? '{}');
    assert.equal(finished.destination, 'desk');
    assert.equal(finished.reason, 'asked for Alice Johnson');
  });

  it('reconnects after the broker drops it, and takes commands again', async () => {
    proxy.cut();
    await waitUntil('the bridge saw the drop', () => !bridge.connected, 5_000);
    // The broker tells of the drop (the will), and the bridge says online once it listens again:
    // a command sent before that could reach the broker ahead of the bridge's subscription.
    await waitUntil('the broker told of the drop', () => seen.get(`${root}/status`) === 'offline', 5_000);
    await waitUntil('the bridge is back', () => bridge.connected, 10_000);
    await waitUntil('online again', () => seen.get(`${root}/status`) === 'online', 10_000);
    await watcher.publishAsync(`${root}/set/screening`, 'OFF');
    await waitUntil('the command after the drop is taken', async () => (await readBypass(store)).off);
    await watcher.publishAsync(`${root}/set/screening`, 'ON');
    await waitUntil('on again', async () => !(await readBypass(store)).off);
  });

  it('doorman doctor says whether the broker can be reached', async () => {
    const found: Finding[] = [];
    const at = (url: string) => ({ ...config, mqtt: { ...config.mqtt, url, timeoutMs: 1_000 } });
    await checkMqtt(at(`mqtt://127.0.0.1:${broker.port}`), found);
    // A port nothing listens on: the proxy's, once closed, is taken by nobody else this soon.
    const closed = new CuttableProxy(broker.port);
    const port = await closed.start();
    await closed.stop();
    await checkMqtt(at(`mqtt://127.0.0.1:${port}`), found);
    assert.deepEqual(
      found.map((f) => [f.check, f.ok]),
      [
        ['MQTT broker', true],
        ['MQTT broker', false],
      ],
    );
    assert.match(found[1]?.fix ?? '', /calls are screened without it/);
  });

  it('says offline, retained, when it stops', async () => {
    await bridge.stop();
    await waitUntil('offline', () => seen.get(`${root}/status`) === 'offline');
  });
});
