import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CallReport } from '../../src/calls/call-report.js';
import type { SipCodec } from '../../src/telephony/rtp-capture.js';
import { CONFIRMS_WITH_KEY, type SimulatedCaller } from '../../src/telephony/simulated-caller.js';
import { type SipCallOptions, sipCall } from '../../src/telephony/sip-phone.js';
import { listCaller, startCaller, startTestDoorman, testConfig, waitUntil } from '../support/doorman.js';
import { encodeForSip } from '../support/sip-audio.js';
import { speechWav } from '../support/speech.js';
import { identityHeader, serveCertificate } from '../support/stir-shaken.js';

/**
 * Calls that cross SIP and RTP as a real phone's or trunk's do: SIPp (Debian's sip-tester) on
 * loopback calls the sandbox's sip-caller endpoint, offering one codec and RFC 4733 DTMF, and
 * sends the answer as RTP. The question lasts about 2.7 s; the phone talks after 3.
 */
describe('SIP callers (SIPp) on the Asterisk sandbox', () => {
  const PIN = '482913';
  const config = testConfig({
    routes: {
      default: { unknown: 'fallback' },
      '15550006000': {
        unknown: 'voicemail',
        blocked: 'blocked',
        checks: ['blocklist', 'pin'],
        pin: { set: 'partners', destination: 'desk', attempts: 2, firstDigitMs: 1_500, interDigitMs: 2_000 },
      },
      // The allow list trusted only on calls STIR/SHAKEN verified at A; others fall through.
      '15550007000': { unknown: 'voicemail', checks: ['allowlist'], allowlistAttestation: 'A' },
      '15550007100': {
        unknown: 'voicemail',
        checks: ['allowlist', 'challenge'],
        allowlistAttestation: 'A',
        retries: 0,
      },
    },
  });
  const alice = speechWav('alice', 'Hello, I would like to speak to Alice Johnson, please.');
  let doorman: Awaited<ReturnType<typeof startTestDoorman>>;
  let caller: SimulatedCaller;
  let nextNumber = 1;
  const number = () => `+1555888${String(nextNumber++).padStart(4, '0')}`;

  before(async () => {
    doorman = await startTestDoorman('sip', config);
    caller = await startCaller('sip', config);
    await doorman.app.pins.createSet('partners');
    await doorman.app.pins.putPin('partners', 'ACME-0042', PIN);
  });
  after(async () => {
    await caller?.close();
    await doorman?.stop();
  });

  const reportFrom = async (from: string): Promise<CallReport> => {
    let found: CallReport | undefined;
    await waitUntil(`Doorman's report of the call from ${from}`, () => {
      found = doorman.reports.find((r) => r.facts.callerNumber === from);
      return !!found;
    });
    return found as CallReport;
  };

  const noSipCallLeft = () =>
    waitUntil('Asterisk holds no SIP caller channel and no Doorman bridge', async () => {
      const channels = await caller.connection.listChannels();
      const bridges = await caller.connection.listBridges();
      return (
        !channels.some((c) => c.name.startsWith('PJSIP/sip-caller')) &&
        !bridges.some((b) => b.id.startsWith('doorman-'))
      );
    });

  const call = async (o: SipCallOptions) => {
    const result = await sipCall(o);
    assert.equal(result.status, 0, `SIPp's call went other than scripted:\n${result.trace.slice(-3000)}`);
    return result;
  };

  // One call per codec, side by side: each has its own SIP and RTP ports and caller number.
  describe('each codec', { concurrency: true }, () => {
    for (const codec of ['ulaw', 'alaw', 'g722'] as SipCodec[]) {
      it(`routes a caller speaking ${codec} to the person they name`, async () => {
        const from = number();
        const speech = await encodeForSip(alice, codec);
        const result = await call({
          from,
          name: 'ACME Corp',
          to: '15550001000',
          codec,
          // Asked "Did you mean Alice Johnson?" (an answer left unchecked on a loaded machine),
          // the caller presses 1, as the live tests' callers do; otherwise the key goes unheard.
          rtp: [
            { silenceMs: 3_000 },
            { payload: speech },
            { silenceMs: CONFIRMS_WITH_KEY.dtmfDelaySeconds * 1_000 },
            { digits: CONFIRMS_WITH_KEY.dtmf },
            { silenceMs: 8_000 },
          ],
        });
        // Asterisk answered with the one codec offered (payload type 0, 8 or 9).
        const pt = { ulaw: 0, alaw: 8, g722: 9 }[codec];
        assert.match(result.trace, new RegExp(`m=audio \\d+ RTP/AVP ${pt}( 101)?\\r?\\n`), 'the answer SDP');
        const report = await reportFrom(from);
        assert.equal(report.verdict?.destination, 'desk', JSON.stringify(report.verdict));
        assert.equal(report.answer?.entry, 'alice-johnson', `heard "${report.answer?.transcript}"`);
        assert.equal(report.facts.callerName, 'ACME Corp');
        assert.equal(report.facts.did, '15550001000');
      });
    }
  });

  it('places `doorman call --sip` calls: audio Doorman encodes (A-law), RFC 4733 digits, watched to the destination', async () => {
    const from = number();
    const result = await caller.call({
      from,
      to: '15550001000',
      say: alice,
      delaySeconds: 3,
      waitSeconds: 8,
      timeoutMs: 40_000,
      sip: 'alaw',
      ...CONFIRMS_WITH_KEY,
    });
    assert.equal(result.ranStasis, true);
    assert.equal(result.destination, 'desk', JSON.stringify(result.timeline));
    assert.match(result.channelId, /^\d+\.\d+$/, 'the SIP channel Asterisk made');
    assert.equal((await reportFrom(from)).answer?.entry, 'alice-johnson');
  });

  it('takes a PIN sent as RFC 4733 digits, and labels the CDR with it', async () => {
    const from = number();
    await call({
      from,
      to: '15550006000',
      codec: 'ulaw',
      rtp: [{ silenceMs: 1_000 }, { digits: `${PIN}#` }, { silenceMs: 6_000 }],
    });
    const report = await reportFrom(from);
    assert.equal(report.verdict?.destination, 'desk', JSON.stringify(report.checks));
    assert.equal(report.accountCode, 'ACME-0042');
  });

  it('blocks a SIP caller whose From display name matches a caller-ID name rule', async () => {
    await doorman.store.addNameRule('regex', '^V[0-9]+$');
    doorman.app.nameRules.invalidate();
    const from = number();
    await call({ from, name: 'V12345', to: '15550001000', codec: 'ulaw', rtp: [{ silenceMs: 3_000 }] });
    const report = await reportFrom(from);
    assert.equal(report.verdict?.destination, 'blocked');
    assert.match(report.verdict?.reason ?? '', /caller name matches rule/);
  });

  it('lets an allowlisted number straight through only on a call Asterisk verified (STIR/SHAKEN, attestation A)', async () => {
    const cert = await serveCertificate();
    try {
      const from = number();
      const to = '15550007000';
      await listCaller(doorman.store, from, 'allow', 'desk');
      const call = async (identity?: string, dialled = to) => {
        const r = await caller.call({
          from,
          to: dialled,
          delaySeconds: 0,
          waitSeconds: 2,
          timeoutMs: 20_000,
          sip: 'ulaw',
          ...(identity ? { identity } : {}),
        });
        return { destination: r.destination, report: await doorman.report(r.channelId) };
      };
      const signed = (attest: 'A' | 'B', forged = false) =>
        identityHeader({ x5u: cert.url, orig: from, dest: to, attest, forged });

      const verified = await call(signed('A'));
      assert.equal(verified.destination, 'desk', JSON.stringify(verified.report.checks));
      assert.match(verified.report.verdict?.reason ?? '', /on the allow list; STIR\/SHAKEN verified A$/);
      for (const [what, identity, why] of [
        ['no Identity header', undefined, /STIR\/SHAKEN missing/],
        ['a forged signature', signed('A', true), /STIR\/SHAKEN signature_validation/],
        ['attestation B', signed('B'), /STIR\/SHAKEN verified B \(the route needs verified A\)/],
      ] as const) {
        const r = await call(identity);
        assert.equal(r.destination, 'voicemail', `${what}: screened, not put straight through`);
        const allow = r.report.checks.find((c) => c.check === 'allowlist');
        assert.equal(allow?.result, 'next', what);
        assert.match(allow?.detail ?? '', why, what);
      }
      // Where the route goes on to the question, the caller whose signature fails is asked it.
      const challenged = await call(signed('A', true), '15550007100');
      assert.deepEqual(
        challenged.report.checks.map((c) => [c.check, c.result]),
        [
          ['allowlist', 'next'],
          ['challenge', 'route'],
        ],
      );
      assert.equal(challenged.destination, 'voicemail', 'a silent caller, asked and not answering');
    } finally {
      await cert.close();
    }
    await noSipCallLeft();
  });

  it('leaves no channel or bridge behind when the caller hangs up (BYE) mid-answer', async () => {
    const from = number();
    const speech = await encodeForSip(alice, 'ulaw');
    await call({
      from,
      to: '15550001000',
      codec: 'ulaw',
      rtp: [{ silenceMs: 3_000 }, { payload: speech }],
      hangUpAfterMs: 4_000,
    });
    const report = await reportFrom(from);
    assert.equal(report.outcome, 'hung-up', JSON.stringify({ outcome: report.outcome, error: report.error }));
    await noSipCallLeft();
  });
});

describe('a SIP caller choosing between two names that sound the same', () => {
  const config = testConfig({
    'directory.file': 'test/fixtures/homophones.yaml',
    routes: { default: { unknown: 'fallback' } },
  });
  let doorman: Awaited<ReturnType<typeof startTestDoorman>>;

  before(async () => {
    doorman = await startTestDoorman('sip-choose', config);
  });
  after(async () => {
    await doorman?.stop();
  });

  it('presses the key (RFC 4733) for the one they meant', async () => {
    const from = '+15558889001';
    const anne = await encodeForSip(speechWav('anne-leigh', 'Is Anne Leigh there, please?'), 'ulaw');
    const result = await sipCall({
      from,
      to: '15550001000',
      codec: 'ulaw',
      // Options are read in id order: 1 = Ann Lee, 2 = Anne Leigh.
      rtp: [
        { silenceMs: 3_000 },
        { payload: anne },
        { silenceMs: 3_000 },
        { digits: '2' },
        { silenceMs: 8_000 },
      ],
    });
    assert.equal(result.status, 0, result.trace.slice(-3000));
    const report = doorman.reports.find((r) => r.facts.callerNumber === from);
    assert.equal(report?.verdict?.destination, 'voicemail', JSON.stringify(report?.verdict));
    assert.equal(report?.answer?.entry, 'anne-leigh');
  });
});
