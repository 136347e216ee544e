import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CALL_STEPS } from '../../src/calls/steps/index.js';
import type { CallStep } from '../../src/calls/steps/step-context.js';
import { loadConfig } from '../../src/config/load.js';
import { type Config, INTERACTIVE_CHECKS, ROUTE_CHECKS, type Route } from '../../src/config/schema.js';
import { CallGoneError } from '../../src/errors.js';
import { type CheckTrace, runChecks } from '../../src/policy/pipeline.js';
import { PinSets } from '../../src/store/pin-sets.js';
import { Store } from '../../src/store/store.js';
import { pressOneStep } from '../fixtures/press-one-step.js';
import { MemoryChannel, type Turn } from '../support/memory-channel.js';
import { stepContext } from '../support/step-context.js';

const dir = mkdtempSync(join(tmpdir(), 'doorman-steps-'));
const config: Config = loadConfig({
  env: {},
  overrides: {
    'recordings.dir': join(dir, 'recordings'),
    'routes.default': { unknown: 'desk' },
    'pins.setLockoutFailures': 4,
    'routes.guarded': {
      unknown: 'voicemail',
      blocked: 'blocked',
      checks: ['pin'],
      pin: { set: 'guarded', destination: 'desk', attempts: 1, firstDigitMs: 1_000 },
    },
    'routes.partners': {
      unknown: 'voicemail',
      blocked: 'blocked',
      checks: ['blocklist', 'pin'],
      pin: { set: 'partners', destination: 'desk', allowlist: true, attempts: 2, firstDigitMs: 1_000 },
    },
  },
});
const partners = config.routes.partners as Route;
const pipeline = { timeoutMs: 500, interactiveTimeoutMs: 5_000 };

/** The steps on a fresh in-memory channel, through the pipeline a live call uses. */
async function runOn(
  steps: CallStep[],
  script: Turn[],
  opts: Partial<Parameters<typeof runChecks>[2]> = {},
  parts: Parameters<typeof stepContext>[2] = {},
) {
  const channel = new MemoryChannel(script);
  const ctx = stepContext(config, channel, parts);
  const onTrace: CheckTrace[] = [];
  try {
    const r = await runChecks(steps, ctx, {
      ...pipeline,
      signal: channel.signal,
      onTrace: (t) => onTrace.push(t),
      ...opts,
    });
    return { ...r, ctx, channel, onTrace };
  } finally {
    channel.stop();
  }
}

describe("a route's steps through the one pipeline (in-memory channel)", () => {
  it('has a step for every check a route may list', () => {
    assert.deepEqual(Object.keys(CALL_STEPS).sort(), [...ROUTE_CHECKS].sort());
    // The config orders routes' checks by this list; the pipeline gives deadlines by the steps'.
    for (const name of ROUTE_CHECKS)
      assert.equal(Boolean(CALL_STEPS[name].interactive), INTERACTIVE_CHECKS.includes(name), name);
  });

  describe('a step that plays a prompt and reads a key (the README example)', () => {
    it('lets a caller who presses 1 on to the next step', async () => {
      const r = await runOn([pressOneStep], [{ keys: '1' }]);
      assert.equal(r.verdict, null);
      assert.deepEqual(
        r.trace.map((t) => [t.check, t.result]),
        [['press-one', 'next']],
      );
      assert.equal(r.channel.answered, 1);
      assert.deepEqual(r.channel.prompts, ['sound:doorman/press-one']);
    });

    it('sends a caller who presses another key to the route’s unknown destination', async () => {
      const r = await runOn([pressOneStep], [{ keys: '7' }]);
      assert.equal(r.verdict?.destination, config.routes.default?.unknown);
      assert.equal(r.verdict?.reason, 'pressed 7, not 1');
    });
  });

  it('skips a step that throws (fail-open), and fails closed when the route says so', async () => {
    const broken: CallStep = {
      name: 'broken',
      interactive: true,
      run: async () => {
        throw new Error('injected: the step broke');
      },
    };
    const open = await runOn([broken, pressOneStep], [{ keys: '7' }]);
    assert.deepEqual(
      open.trace.map((t) => [t.check, t.result]),
      [
        ['broken', 'error'],
        ['press-one', 'route'],
      ],
    );
    assert.equal(open.trace[0]?.detail, 'injected: the step broke');
    const closed = await runOn([broken, pressOneStep], [{ keys: '1' }], { onFailure: 'blocked' });
    assert.equal(closed.verdict?.destination, 'blocked');
    assert.equal(closed.verdict?.reason, 'broken error (fail-closed): injected: the step broke');
    assert.equal(closed.channel.answered, 0, 'the step after a fail-closed one never runs');
  });

  it('gives a stalled interactive step the interactive deadline, not the checks’ one', async () => {
    const stalled: CallStep = { name: 'stalled', interactive: true, run: () => new Promise(() => {}) };
    const r = await runOn([stalled], [], { timeoutMs: 20, interactiveTimeoutMs: 300 });
    assert.equal(r.trace[0]?.result, 'timeout');
    assert.match(r.trace[0]?.detail ?? '', /within 300 ms/);
  });

  it('ends on a caller who hangs up mid-step: no verdict, no failed check, nothing after it runs', async () => {
    const after: CallStep = { name: 'after', run: async () => assert.fail('a step ran after the hang-up') };
    const channel = new MemoryChannel([{ hangUp: true }]);
    const traces: CheckTrace[] = [];
    await assert.rejects(
      runChecks([pressOneStep, after], stepContext(config, channel), {
        ...pipeline,
        signal: channel.signal,
        onTrace: (t) => traces.push(t),
      }),
      CallGoneError,
    );
    channel.stop();
    assert.deepEqual(traces, []);
  });

  describe('the pin step, on a real PIN set (SQLite)', () => {
    let store: Store;
    let pins: PinSets;
    before(async () => {
      store = await Store.open({ url: `sqlite:${join(dir, 'store.db')}`, timeoutMs: 2_000 });
      pins = new PinSets(store);
      await pins.createSet('partners');
      await pins.putPin('partners', 'ACME-0042', '482913');
    });
    after(() => store?.close());
    const steps = () => partners.checks.map((c) => CALL_STEPS[c]);

    it('routes a right PIN to the PIN destination, with its label and an allowlisting to do', async () => {
      const r = await runOn(steps(), [{ keys: '482913#' }], {}, { route: partners, pins });
      assert.equal(r.verdict?.destination, 'desk');
      assert.deepEqual(
        r.trace.map((t) => [t.check, t.result]),
        [
          ['blocklist', 'next'],
          ['pin', 'route'],
        ],
      );
      assert.equal(r.ctx.found.accountCode, 'ACME-0042');
      assert.deepEqual(r.ctx.found.allowlist, {
        source: 'pin',
        addedBy: 'pin (15550001000)',
        note: 'PIN of "ACME-0042"',
      });
    });

    it('sends wrong PINs to blocked and no PIN to unknown, with nothing to allowlist', async () => {
      const wrong = await runOn(
        steps(),
        [{ keys: '1111#' }, { keys: '2222#' }],
        {},
        {
          route: partners,
          pins,
          callerNumber: '+15551230002',
        },
      );
      assert.equal(wrong.verdict?.destination, 'blocked');
      assert.equal(wrong.verdict?.reason, '2 wrong PIN(s) in 2 attempts');
      assert.equal(wrong.ctx.found.allowlist, undefined);
      const none = await runOn(
        steps(),
        [{}, {}],
        {},
        { route: partners, pins, callerNumber: '+15551230003' },
      );
      assert.equal(none.verdict?.destination, 'voicemail');
      assert.equal(none.verdict?.reason, 'no PIN entered');
    });

    it('stops asking for a set guessed at from many numbers, without blocking anyone for it', async () => {
      const guarded = config.routes.guarded as Route;
      await pins.createSet('guarded');
      await pins.putPin('guarded', 'GLOBEX-7', '771177');
      const steps = [CALL_STEPS.pin];
      // A guesser who changes caller ID every call: one wrong PIN per number, never locked per number.
      for (let n = 0; n < 4; n++) {
        const r = await runOn(
          steps,
          [{ keys: `00000${n}#` }],
          {},
          { route: guarded, pins, callerNumber: `+1555777000${n}` },
        );
        assert.equal(r.verdict?.destination, 'blocked', `guess ${n}`);
      }
      // The set is now locked: a partner with the right PIN is not asked, and goes to unknown.
      const partner = await runOn(
        steps,
        [{ keys: '771177#' }],
        {},
        { route: guarded, pins, callerNumber: '+15557779999' },
      );
      assert.equal(partner.verdict?.destination, 'voicemail');
      assert.match(
        partner.verdict?.reason ?? '',
        /^PIN set guarded locked after 4 wrong PINs from any numbers/,
      );
      assert.equal(partner.channel.answered, 0, 'not asked');
      assert.equal(partner.ctx.found.accountCode, undefined);
      // Another set is not affected.
      const other = await runOn(
        partners.checks.map((c) => CALL_STEPS[c]),
        [{ keys: '482913#' }],
        {},
        { route: partners, pins, callerNumber: '+15557779998' },
      );
      assert.equal(other.verdict?.destination, 'desk');
    });

    it('fails open when the PIN set cannot be read, as any check', async () => {
      const closed = await Store.open({ url: `sqlite:${join(dir, 'closed.db')}`, timeoutMs: 2_000 });
      await closed.close();
      const r = await runOn(
        steps(),
        [{ keys: '482913#' }],
        {},
        { route: partners, pins: new PinSets(closed) },
      );
      assert.equal(r.verdict, null);
      assert.equal(r.trace.at(-1)?.check, 'pin');
      assert.equal(r.trace.at(-1)?.result, 'error');
    });
  });
});
