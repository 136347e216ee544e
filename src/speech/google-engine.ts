import type { Duplex } from 'node:stream';
import speech from '@google-cloud/speech';
import type { Logger } from 'pino';
import type {
  EngineCapabilities,
  SpeechEngine,
  SpeechResult,
  SpeechStream,
  StreamOptions,
} from './engine.js';
import { ResultQueue } from './result-queue.js';

type SpeechClient = InstanceType<typeof speech.v1.SpeechClient>;
export type GoogleClientOptions = ConstructorParameters<typeof speech.v1.SpeechClient>[0];

export interface GoogleEngineOptions {
  logger: Logger;
  /** Passed to the client: credentials, or `apiEndpoint`/`port`/`sslCreds` for another server. */
  client?: GoogleClientOptions;
  /** `phone_call` suits 8 kHz telephone audio. */
  model: string;
  /** Weight of the directory's names as speech contexts. */
  boost: number;
}

/** Google closes a streaming recognition after about five minutes; an answer never needs that long. */
const STREAM_LIMIT_MS = 280_000;

/**
 * Google Cloud Speech-to-Text, streaming (v1 `StreamingRecognize`): interim and final results,
 * the directory's names as speech contexts, the telephone model.
 */
export class GoogleSpeechEngine implements SpeechEngine {
  readonly name = 'google';
  /** No grammar: the directory's names come with each stream, as speech contexts (`hints`). */
  readonly capabilities: EngineCapabilities = {};
  private readonly client: SpeechClient;
  private readonly log: Logger;

  constructor(private readonly opts: GoogleEngineOptions) {
    this.client = new speech.v1.SpeechClient(opts.client);
    this.log = opts.logger.child({ component: 'speech', engine: this.name });
  }

  open(opts: StreamOptions): SpeechStream {
    const duplex = this.client.streamingRecognize({
      config: {
        encoding: 'LINEAR16',
        sampleRateHertz: opts.sampleRate,
        languageCode: opts.language,
        model: this.opts.model,
        useEnhanced: true,
        maxAlternatives: 1,
        speechContexts: opts.hints.length
          ? [{ phrases: opts.hints.slice(0, 5000), boost: this.opts.boost }]
          : [],
      },
      interimResults: true,
    }) as unknown as Duplex;
    return new GoogleStream(duplex, opts, this.log);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

interface StreamingResponse {
  results?: Array<{ alternatives?: Array<{ transcript?: string; confidence?: number }>; isFinal?: boolean }>;
}

class GoogleStream implements SpeechStream {
  private readonly results_ = new ResultQueue('Google');
  private ended = false;
  private done = false;
  private audioMs = 0;
  /** Final results of the stream so far (Google may split an utterance into several). */
  private finals: string[] = [];
  private lastInterim = '';

  constructor(
    private readonly duplex: Duplex,
    private readonly opts: StreamOptions,
    log: Logger,
  ) {
    duplex.on('data', (r: StreamingResponse) => {
      for (const res of r.results ?? []) {
        const alt = res.alternatives?.[0];
        const text = (alt?.transcript ?? '').trim();
        if (res.isFinal) {
          if (text) this.finals.push(text);
          this.lastInterim = '';
        } else this.lastInterim = text;
        const sofar = [...this.finals, this.lastInterim].filter(Boolean).join(' ');
        this.push({ text: sofar, final: false, ...(alt?.confidence ? { confidence: alt.confidence } : {}) });
      }
    });
    duplex.on('error', (e) => {
      log.warn({ err: e }, 'Google streaming recognition failed');
      this.results_.fail(e);
      this.finish();
    });
    duplex.on('end', () => this.finish());
    duplex.on('close', () => this.finish());
    opts.signal.addEventListener('abort', () => this.end(), { once: true });
  }

  write(frame: Buffer): void {
    if (this.ended) return;
    this.duplex.write(frame);
    this.audioMs += (frame.length / 2 / this.opts.sampleRate) * 1000;
    const limit = Math.min(this.opts.maxAudioMs ?? STREAM_LIMIT_MS, STREAM_LIMIT_MS);
    if (this.audioMs >= limit) this.end();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.duplex.end();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.ended = true;
    if (!this.results_.failed)
      this.push({ text: [...this.finals, this.lastInterim].filter(Boolean).join(' '), final: true });
  }

  private push(r: SpeechResult): void {
    this.results_.push(r);
  }

  results(): AsyncIterable<SpeechResult> {
    return this.results_.iterate();
  }
}
