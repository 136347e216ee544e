// One recognition thread: a pool of soundswallower decoders decoding the audio of the streams
// the main thread assigns to it. Decoding is synchronous WebAssembly work; kept off the main
// thread so ARI events, media sockets and lease renewals never wait for it.
import { parentPort, workerData } from 'node:worker_threads';
import createModule, { type Decoder } from 'soundswallower';

export interface WorkerSetup {
  modelDir: string;
  dict: string;
  sampleRate: number;
  beam: number;
  poolSize: number;
}

export type ToWorker =
  | { t: 'grammar'; version: number; jsgf: string; added: Array<[string, string]> }
  | { t: 'open'; id: number }
  | { t: 'audio'; id: number; pcm: Float32Array }
  | { t: 'end'; id: number };

export type FromWorker =
  | { t: 'partial'; id: number; text: string }
  | { t: 'final'; id: number; text: string }
  | { t: 'error'; id: number; message: string };

interface Pooled {
  decoder: Decoder;
  grammarVersion: number;
}

const setup = workerData as WorkerSetup;
const port = parentPort;
if (!port) throw new Error('soundswallower-worker runs as a worker thread');
const module = await createModule();
const idle: Pooled[] = [];
let grammar: { version: number; jsgf: string; added: Array<[string, string]> } = {
  version: 0,
  jsgf: '',
  added: [],
};
/** Per stream: the work so far (in order), the decoder once it has one, the last partial sent. */
const streams = new Map<number, { work: Promise<void>; d?: Pooled; lastPartial: string }>();

async function acquire(): Promise<Pooled> {
  let d = idle.pop();
  if (!d) {
    const decoder = new module.Decoder({
      hmm: setup.modelDir,
      dict: setup.dict,
      samprate: setup.sampleRate,
      loglevel: 'FATAL',
      // Wider than PocketSphinx's defaults (1e-48): on telephone audio this keeps the right
      // name alive more often, for about 40% more CPU (bench/accuracy.ts).
      beam: setup.beam,
      pbeam: setup.beam,
      wbeam: setup.beam * 1e20,
    });
    await decoder.initialize();
    d = { decoder, grammarVersion: 0 };
  }
  if (d.grammarVersion !== grammar.version) {
    if (grammar.added.length) d.decoder.add_words(...grammar.added);
    d.decoder.set_grammar(grammar.jsgf);
    d.grammarVersion = grammar.version;
  }
  d.decoder.start();
  return d;
}

function release(d: Pooled): void {
  if (idle.length < setup.poolSize) idle.push(d);
  else d.decoder.delete();
}

function step(id: number, fn: (s: { d: Pooled; lastPartial: string }) => void): void {
  const s = streams.get(id);
  if (!s) return;
  s.work = s.work
    .then(() => {
      if (s.d) fn(s as { d: Pooled; lastPartial: string });
    })
    .catch((e) => {
      streams.delete(id);
      port?.postMessage({ t: 'error', id, message: String(e) } satisfies FromWorker);
    });
}

port.on('message', (m: ToWorker) => {
  switch (m.t) {
    case 'grammar':
      grammar = m;
      return;
    case 'open': {
      const s: { work: Promise<void>; d?: Pooled; lastPartial: string } = {
        work: Promise.resolve(),
        lastPartial: '',
      };
      s.work = acquire().then((d) => {
        s.d = d;
      });
      streams.set(m.id, s);
      s.work.catch((e) => {
        streams.delete(m.id);
        port.postMessage({ t: 'error', id: m.id, message: String(e) } satisfies FromWorker);
      });
      return;
    }
    case 'audio':
      step(m.id, (s) => {
        s.d.decoder.process_audio(m.pcm, false, false);
        const text = s.d.decoder.get_text().trim();
        if (text !== s.lastPartial) {
          s.lastPartial = text;
          port.postMessage({ t: 'partial', id: m.id, text } satisfies FromWorker);
        }
      });
      return;
    case 'end':
      step(m.id, (s) => {
        s.d.decoder.stop();
        // A grammar search that never reached a final state says nothing at the end, though
        // it heard words on the way (an answer cut short): keep what it heard.
        const text = s.d.decoder.get_text().trim() || s.lastPartial;
        release(s.d);
        streams.delete(m.id);
        port.postMessage({ t: 'final', id: m.id, text } satisfies FromWorker);
      });
      return;
  }
});
