// The native recogniser decodes in child processes (speech.soundswallower.runtime 'native'), whose
// CPU and memory process.cpuUsage() and memoryUsage() do not see: benchmarks add them from /proc.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

/** This process's recognition workers that run as processes of their own. */
function workerPids(): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command may hold spaces and parentheses: fields are counted after its last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) !== process.pid) continue;
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('recognition-worker'))
        out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function statOf(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** CPU seconds the recognition processes have used so far (0 where the workers are threads). */
export function recognitionProcessCpu(): number {
  let ticks = 0;
  for (const pid of workerPids()) {
    try {
      const f = statOf(pid);
      ticks += Number(f[11]) + Number(f[12]); // utime, stime
    } catch {
      // gone meanwhile
    }
  }
  return ticks / TICKS_PER_SECOND;
}

/** Resident memory of the recognition processes, bytes. */
export function recognitionProcessRss(): number {
  let pages = 0;
  for (const pid of workerPids()) {
    try {
      pages += Number(statOf(pid)[21]);
    } catch {
      // gone meanwhile
    }
  }
  return pages * PAGE_BYTES;
}

/** This process's CPU seconds with its recognition processes'. */
export function cpuSecondsWithRecognition(): number {
  const own = process.cpuUsage();
  return (own.user + own.system) / 1e6 + recognitionProcessCpu();
}
