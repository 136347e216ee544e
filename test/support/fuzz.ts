import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, beforeEach } from 'node:test';

// The fuzz tests' seeded generator of hostile strings: FUZZ_SEED repeats a run.
export const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

function prng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}
export const random = prng(SEED);
export const wellFormed = (x: string) => (x as string & { toWellFormed(): string }).toWellFormed();
export const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
export const int = (n: number) => Math.floor(random() * n);
/** What the store keeps of a caller's text (the documented changes, as `cap` in src/store/store.ts). */
export const stored = (s: string | null, n: number) =>
  s == null ? null : wellFormed(s.replaceAll('\u0000', '').slice(0, n));

export const PAYLOADS = [
  "'; DROP TABLE callers; --",
  '" OR 1=1 --',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, as a caller would send it
  '{{7*7}}${7*7}',
  '=HYPERLINK("http://x")',
  '+SUM(1,2)',
  '-2+3',
  '@cmd',
  '\t=1',
  '../../../../etc/passwd',
  '%00%2e%2e%2f',
  'anonymous',
  'Restricted',
  '+',
  '++1 (555) 000-0000 ext. 12',
  '+1 (555) 010-0000',
  '\u202Egnp.exe',
  '😀📞☎️',
  'Ñandú Çağlar Øre',
  '\u0000\u0007\u001b[31m',
  'a\n\ndata: {"type":"x"}\n\n',
  'event: finished\r\nid: 1\r\n\r\n',
  '\ud800',
  'x\udfff',
];

export function randomString(): string {
  switch (int(5)) {
    case 0:
      return pick(PAYLOADS);
    case 1: // random code units, lone surrogates and controls included
      return String.fromCharCode(...Array.from({ length: int(64) }, () => int(0x10000)));
    case 2:
      return pick(PAYLOADS)
        .repeat(1 + int(800))
        .slice(0, 10_240);
    case 3:
      return Array.from({ length: 1 + int(20) }, () => pick('0123456789+-() #*'.split(''))).join('');
    default:
      return `${pick(PAYLOADS)}${String.fromCharCode(int(0x80))}${int(1e9)}`;
  }
}

/**
 * Event-loop delay while the file's tests run, in ms: only inside them (beforeEach/afterEach),
 * since loading modules, the dictionary and the servers is not what the fuzz is about, and on a
 * busy machine that alone can hold the loop a second.
 */
export function lagMonitor() {
  const h = monitorEventLoopDelay({ resolution: 10 });
  beforeEach(() => h.enable());
  afterEach(() => {
    h.disable();
  });
  return {
    stop() {
      return { maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6 };
    },
  };
}

/**
 * The longest the fuzz may hold the event loop. What it guards against (a name rule or query
 * that backtracks on a 10 kB name, a synchronous scan of the lists or of an export) blocks
 * every call for seconds to minutes. The ordinary worst case is well under 200 ms on a quiet
 * 2-core machine, but a fresh-clone CI run with a one-core CPU burner, the integration suite
 * and the unit suite side by side measured one stall of 1.44 s (p99 38 ms): the process waiting
 * for a core. A speed target belongs in bench/, not here.
 */
export const STALL_BUDGET_MS = 5_000;
