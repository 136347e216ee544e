/**
 * Loaded into every test file's process (`--import`, scripts/test.sh). An integration test file
 * shares one Asterisk with the files after it, so when its tests are done it must leave nothing
 * behind: no process it started (a spawned Doorman, SIPp, a benchmark) still alive, and no
 * channel or bridge in Asterisk. Files run one at a time, so whatever Asterisk still holds then
 * is this file's. Before its tests and after each one, a file that finds another Doorman
 * process on the machine says so, naming it: that process would take the file's calls.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { after, afterEach, before } from 'node:test';
import { loadConfig } from '../../src/config/load.js';

const file = process.argv[1] ?? '';
const isIntegration = /test[/\\]integration[/\\]/.test(file);
/** How long a call that reached its destination may stay on the line (tests' waitSeconds). */
const CALLS_END_WITHIN_MS = 45_000;

interface Proc {
  pid: number;
  ppid: number;
  cmd: string;
}

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      out.push({ pid: Number(name), ppid: Number(fields[1]), cmd });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function descendants(of: number): Proc[] {
  const all = processes();
  const found: Proc[] = [];
  let frontier = [of];
  while (frontier.length) {
    const next = all.filter((p) => frontier.includes(p.ppid));
    found.push(...next);
    frontier = next.map((p) => p.pid);
  }
  return found;
}

/** The unit tests' lane (scripts/test.sh): what runs there never uses the sandbox. */
const UNIT_LANE = 'DOORMAN_TEST_LANE=unit';

function inUnitLane(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(UNIT_LANE);
  } catch {
    return false; // gone meanwhile
  }
}

/**
 * Doorman processes (the CLI's `start`, a benchmark) that are neither this process nor its
 * children, nor the unit tests' (a config check's `doorman start` that exits at once).
 */
function otherDoormans(): Proc[] {
  const mine = new Set([process.pid, process.ppid, ...descendants(process.pid).map((p) => p.pid)]);
  return processes().filter(
    (p) =>
      !mine.has(p.pid) &&
      /cli\/main\.[jt]s start|bench\/(calls|soak|all)\.ts/.test(p.cmd) &&
      !inUnitLane(p.pid),
  );
}

/** The sandbox's ARI, as Doorman's defaults name it: read once, asked every 250 ms below. */
let ariSettings: { url: string; authorization: string } | undefined;

async function ari(path: string): Promise<Array<{ id: string; name?: string }>> {
  if (!ariSettings) {
    const { url, username, password } = loadConfig({ env: {} }).ari;
    ariSettings = {
      url,
      authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
    };
  }
  const res = await fetch(new URL(`/ari/${path}`, ariSettings.url), {
    headers: { authorization: ariSettings.authorization },
    signal: AbortSignal.timeout(5_000),
  });
  if (!res.ok) throw new Error(`ARI ${path}: HTTP ${res.status}`);
  return (await res.json()) as Array<{ id: string; name?: string }>;
}

/** Fails loudly, naming it, when another Doorman runs: it would take this file's calls. */
function noOtherDoorman(when: string): void {
  const others = otherDoormans();
  if (others.length) {
    throw new Error(
      `another Doorman is running ${when} and would take this file's calls; stop it first:\n${others
        .map((p) => `  PID ${p.pid}: ${p.cmd}`)
        .join('\n')}`,
    );
  }
}

if (isIntegration) {
  before(() => noOtherDoorman('before the tests'));
  // One started in the middle of the file (another test run, a demo) is named at the test it
  // disturbed, not left to fail later tests obscurely.
  afterEach(() => noOtherDoorman('since this test started'));

  after(async () => {
    const t0 = Date.now();
    let left: string[] = [];
    do {
      // esbuild's service belongs to tsx (and the UI bundle) in this process and ends with it.
      const kids = descendants(process.pid).filter((p) => !/esbuild --service/.test(p.cmd));
      const channels = await ari('channels');
      const bridges = await ari('bridges');
      left = [
        ...kids.map((p) => `process ${p.pid}: ${p.cmd}`),
        ...channels.map((c) => `channel ${c.name ?? c.id}`),
        ...bridges.map((b) => `bridge ${b.id}`),
      ];
      if (!left.length) return;
      await new Promise((r) => setTimeout(r, 250));
    } while (Date.now() - t0 < CALLS_END_WITHIN_MS);
    // Hang up what is left, so the next file starts clean, then fail this one.
    try {
      execFileSync('scripts/asterisk.sh', ['reset'], { timeout: 10_000 });
    } catch {}
    throw new Error(
      `${file} left behind, ${CALLS_END_WITHIN_MS / 1000} s after its last test:\n  ${left.join('\n  ')}`,
    );
  });
}
