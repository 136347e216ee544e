import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/load.js';
import { startDoorman } from '../../src/main.js';

describe('Doorman started while Asterisk is unreachable', () => {
  it('serves its admin API at once and reports ARI down in /health, then stops cleanly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doorman-noast-'));
    const config = loadConfig({
      env: {},
      overrides: {
        // Nothing listens on port 1: ARI keeps retrying in the background.
        'ari.url': 'http://127.0.0.1:1',
        'store.url': `sqlite:${join(dir, 'doorman.db')}`,
        'store.queueFile': join(dir, 'queue.jsonl'),
        'recordings.dir': join(dir, 'rec'),
        'web.port': 0,
        'speech.soundswallower.threads': 1,
        'speech.soundswallower.poolSize': 1,
      } as never,
    });
    const doorman = await startDoorman(config, pino({ level: 'silent' }));
    try {
      const port = (doorman.web?.server.address() as AddressInfo).port;
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      assert.equal(res.status, 503);
      const health = (await res.json()) as { components: Record<string, { ok: boolean }> };
      assert.equal(health.components.ari?.ok, false);
      assert.equal(health.components.database?.ok, true);
      assert.equal(health.components.speech?.ok, true);
    } finally {
      await doorman.stop();
    }
  });
});
