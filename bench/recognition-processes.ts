// The native recogniser decodes in child processes (speech.soundswallower.runtime 'native'), whose
// CPU and memory process.cpuUsage() and memoryUsage() do not see: benchmarks add them from /proc.
import { readFileSync } from 'node:fs';
import type { SpeechEngine } from '../src/speech/engine.js';
import { SoundSwallowerEngine } from '../src/speech/soundswallower-engine.js';

const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

/** The fields of /proc/PID/stat after the command (which may hold spaces and parentheses). */
function statOf(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone meanwhile
  }
}

const workers = (engine: SpeechEngine) =>
  engine instanceof SoundSwallowerEngine ? engine.workerProcessIds : [];

/** This process's CPU seconds with those of the engine's recognition processes (utime + stime). */
export function cpuSecondsWithRecognition(engine: SpeechEngine): number {
  const own = process.cpuUsage();
  let ticks = 0;
  for (const f of workers(engine).map(statOf)) ticks += f ? Number(f[11]) + Number(f[12]) : 0;
  return (own.user + own.system) / 1e6 + ticks / TICKS_PER_SECOND;
}

/** Resident memory of the engine's recognition processes, bytes. */
export function recognitionProcessRss(engine: SpeechEngine): number {
  let pages = 0;
  for (const f of workers(engine).map(statOf)) pages += f ? Number(f[21]) : 0;
  return pages * PAGE_BYTES;
}
