// Announced calls on the real Asterisk sandbox: for each N, N callers (allowlisted by an earlier
// screening, so announced on `announce: always` without a question) call at once; Doorman rings
// the destination (the sandbox's [callee-sim] phone, which answers and presses 2 after 1.5 s),
// speaks the announcement and routes on the key. Prints, per N: callers routed as the callee
// said, the announcement's first audio after the callee answered p50/p95, how long callers were
// held p50/p95, and Doorman/Asterisk leftovers. Writes bench/results/announce.md.
//
//   npx tsx bench/announce.ts [--levels 1,5,10]
//   (needs the sandbox: scripts/asterisk.sh start; eval "$(scripts/asterisk.sh env)")
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CallReport } from '../src/calls/call-report.js';
import { benchConfig, startLive } from './live.js';
import { machine, percentile, publish, publishSummary } from './report.js';

const { values } = parseArgs({ options: { levels: { type: 'string' } } });
const levels = (values.levels ?? '1,5,10').split(',').map(Number);
const dir = mkdtempSync(join(tmpdir(), 'doorman-bench-announce-'));
const config = benchConfig(dir, {
  'directory.file': 'test/fixtures/directory.yaml',
  routes: { default: { unknown: 'fallback', announce: 'always' } },
});
config.destinations.desk = { context: 'callee-sim', extension: 'key2', priority: 1 };
const { doorman, caller } = await startLive(config);

const rows: string[] = [];
const summary: Array<{ n: number; right: number; firstP95: number; heldP95: number }> = [];
let number = 4_000_000;
for (const n of levels) {
  const reports = new Map<string, CallReport>();
  const onCall = (r: CallReport) => reports.set(r.facts.channelId, r);
  doorman.app.on('call', onCall);
  const calls = [];
  for (let i = 0; i < n; i++) {
    const from = `+1555${number++}`;
    await doorman.store.upsertCaller({
      number: from,
      rawNumber: from,
      list: 'allow',
      source: 'screened',
      destination: 'desk',
    });
    calls.push(caller.call({ from, to: '15550001000', delaySeconds: 0, waitSeconds: 20, timeoutMs: 60_000 }));
    await new Promise((r) => setTimeout(r, 50));
  }
  const results = await Promise.all(calls);
  for (let k = 0; k < 100 && results.some((r) => !reports.has(r.channelId)); k++)
    await new Promise((r) => setTimeout(r, 100));
  doorman.app.off('call', onCall);
  const got = results.map((r) => reports.get(r.channelId));
  const right = results.filter((r) => r.destination === 'voicemail').length;
  const first = got.flatMap((r) =>
    r?.timings.announceFirstAudioMs === undefined ? [] : [r.timings.announceFirstAudioMs],
  );
  const held = got.flatMap((r) => (r?.timings.announceMs === undefined ? [] : [r.timings.announceMs]));
  await new Promise((r) => setTimeout(r, 1_000));
  const [bridges, channels] = await Promise.all([
    caller.connection.listBridges(),
    caller.connection.listChannels(),
  ]);
  const left =
    bridges.filter((b) => b.id.startsWith('doorman-')).length +
    channels.filter((c) => c.id.startsWith('doorman-')).length;
  const p = percentile;
  summary.push({ n, right, firstP95: p(first, 0.95), heldP95: p(held, 0.95) });
  rows.push(
    `| ${n} | ${right}/${n} | ${p(first, 0.5).toFixed(0)} / ${p(first, 0.95).toFixed(0)} ms | ${(p(held, 0.5) / 1000).toFixed(1)} / ${(p(held, 0.95) / 1000).toFixed(1)} s | ${left} |`,
  );
  console.error(`N=${n}: ${right}/${n} routed as the callee said`);
}
await caller.close();
await doorman.stop();

publish(
  'announce',
  [
    `Announced calls on the Asterisk sandbox (${new Date().toISOString().slice(0, 10)}, ${machine()}); the callee answers at once and presses 2 (voicemail) 1.5 s later`,
    '',
    '| concurrent announced calls | routed as the callee said | announcement first audio after the answer p50 / p95 | caller held p50 / p95 | Doorman bridges and channels left |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    'Target: the announcement starts within 1 s of the callee answering.',
    '',
  ].join('\n'),
);
const top = summary.at(-1);
if (top)
  publishSummary('announce', [
    {
      metric: `announcement first audio p95 at ${top.n} concurrent announced calls`,
      value: `${top.firstP95.toFixed(0)} ms`,
      target: '≤ 1000 ms',
      ok: top.firstP95 <= 1000 && top.right === top.n,
    },
  ]);
process.exit(0);
