// One recognition thread: a pool of soundswallower decoders decoding the audio of the streams
// the main thread assigns to it. Decoding is synchronous WebAssembly work; kept off the main
// thread so ARI events, media sockets and lease renewals never wait for it.
import { parentPort, workerData } from 'node:worker_threads';
import { warmUp } from './soundswallower-pool.js';
import type { ToWorker, WorkerSetup } from './soundswallower-protocol.js';
import { createWorkerState, type WorkerState } from './soundswallower-state.js';
import { endStream, hear, openStream, step } from './soundswallower-streams.js';

const port = parentPort;
if (!port) throw new Error('soundswallower-worker runs as a worker thread');
const state = await createWorkerState(workerData as WorkerSetup, port);
port.on('message', (m: ToWorker) => dispatch(state, m));

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

/** Streams ask for a grammar by name; the pool warms up once the thread has one. */
function addGrammar(w: WorkerState, m: Extract<ToWorker, { t: 'grammar' }>): void {
  w.grammars.set(m.name, {
    key: `${m.name}@${m.version}`,
    jsgf: m.jsgf,
    words: m.words,
    phraseWords: new Set(m.phraseWords),
  });
  warmUp(w);
}
