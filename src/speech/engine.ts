/** A recognition result; partial ones may change, a final one ends the stream. */
export interface SpeechResult {
  text: string;
  final: boolean;
  confidence?: number;
}

export interface StreamOptions {
  sampleRate: 8000 | 16000;
  /** Names and phrases likely to be said (speech contexts for cloud engines). */
  hints: string[];
  language: string;
  /** Aborting ends the stream at once with what was recognised so far. */
  signal: AbortSignal;
  /** The stream ends by itself after this much audio, ms. */
  maxAudioMs?: number;
}

/** One utterance's recognition: write 16-bit little-endian PCM frames, then end. */
export interface SpeechStream {
  write(frame: Buffer): void;
  end(): void;
  results(): AsyncIterable<SpeechResult>;
}

export interface SpeechEngine {
  readonly name: string;
  open(opts: StreamOptions): SpeechStream;
  close(): Promise<void>;
}

/** Reads a stream to its final result (the empty text when it ended with nothing heard). */
export async function finalText(stream: SpeechStream): Promise<string> {
  let last = '';
  for await (const r of stream.results()) {
    last = r.text;
    if (r.final) return r.text;
  }
  return last;
}
