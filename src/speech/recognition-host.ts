// Where a recognition worker (recognition-worker.ts) runs: a worker thread for the WebAssembly
// build, a child process for the native one. The engine talks to both the same way.
import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker, WorkerSetup } from './recognition-protocol.js';

export interface RecognitionHost {
  /** The process's id, where the worker is a process of its own. */
  readonly pid?: number;
  post(m: ToWorker, transfer?: ArrayBuffer[]): void;
  onMessage(fn: (m: FromWorker) => void): void;
  onExit(fn: (code: number | null) => void): void;
  onError(fn: (e: Error) => void): void;
  terminate(): Promise<void>;
}

// From dist/ the worker is plain JS; from src/ (tsx: tests, development) it is TypeScript, and a
// worker's entry module does not see the parent's loader, so it is told to load tsx first.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(`./recognition-worker${FROM_SOURCE ? '.ts' : '.js'}`, import.meta.url);

/** A worker for the build `setup.runtime` names. */
export function startRecognitionHost(setup: WorkerSetup): RecognitionHost {
  return setup.runtime === 'native' ? inProcess(setup) : inThread(setup);
}

function inThread(setup: WorkerSetup): RecognitionHost {
  const worker = FROM_SOURCE
    ? new Worker(
        `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`,
        { eval: true, workerData: setup },
      )
    : new Worker(WORKER_URL, { workerData: setup });
  return {
    post: (m, transfer) => worker.postMessage(m, transfer),
    onMessage: (fn) => worker.on('message', fn),
    onExit: (fn) => worker.on('exit', fn),
    onError: (fn) => worker.on('error', fn),
    terminate: async () => {
      await worker.terminate();
    },
  };
}

function inProcess(setup: WorkerSetup): RecognitionHost {
  const child = fork(WORKER_URL, [JSON.stringify(setup)], {
    // Typed arrays (the audio) cross as they are.
    serialization: 'advanced',
    execArgv: FROM_SOURCE ? ['--import', import.meta.resolve('tsx/esm')] : [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    ...(child.pid === undefined ? {} : { pid: child.pid }),
    post: (m) => {
      if (child.connected) child.send(m);
    },
    onMessage: (fn) => child.on('message', (m) => fn(m as FromWorker)),
    onExit: (fn) => child.on('exit', (code) => fn(code)),
    onError: (fn) => child.on('error', fn),
    terminate: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await exited;
    },
  };
}
