// One recognition worker: a pool of decoders decoding the audio of the streams the main thread
// assigns to it. Decoding is synchronous work, kept off the main thread so ARI events, media
// sockets and lease renewals never wait for it. The WebAssembly build runs as a worker thread;
// the native one as a child process (its library may exit() on a bad model), so this serves both.
import { parentPort, workerData } from 'node:worker_threads';
import { warmUp } from './recognition-pool.js';
import type { FromWorker, ToWorker, WorkerSetup } from './recognition-protocol.js';
import { createWorkerState, type WorkerState } from './recognition-state.js';
import { endStream, hear, openStream, step } from './recognition-streams.js';

const thread = parentPort;
const setup = (thread ? workerData : JSON.parse(process.argv[2] ?? '{}')) as WorkerSetup;
const send = (m: FromWorker) => (thread ? thread.postMessage(m) : process.send?.(m));
// A process's messages are not held for a listener added later: they wait here until the
// recognizer is loaded.
const early: ToWorker[] = [];
let state: WorkerState | undefined;
const onMessage = (m: ToWorker) => (state ? dispatch(state, m) : early.push(m));
if (thread) thread.on('message', onMessage);
else {
  process.on('message', onMessage);
  process.on('disconnect', () => process.exit(0));
}
try {
  state = await createWorkerState(setup, send);
} catch (e) {
  send({ t: 'failed', message: (e as Error).message });
  if (!thread) process.disconnect?.();
  throw e;
}
send({ t: 'ready' });
for (const m of early.splice(0)) dispatch(state, m);

function dispatch(w: WorkerState, m: ToWorker): void {
  switch (m.t) {
    case 'grammar':
      addGrammar(w, m);
      break;
    case 'open':
      openStream(w, m);
      break;
    case 'audio':
      step(w, m.id, (s) => hear(w, s, m));
      break;
    case 'end':
      step(w, m.id, (s) => endStream(w, s, m.id));
      break;
  }
}

/** Streams ask for a grammar by name; the pool warms up once the worker has one. */
function addGrammar(w: WorkerState, m: Extract<ToWorker, { t: 'grammar' }>): void {
  w.grammars.set(m.name, {
    key: `${m.name}@${m.version}`,
    jsgf: m.jsgf,
    words: m.words,
    phraseWords: new Set(m.phraseWords),
  });
  warmUp(w);
}
