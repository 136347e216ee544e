import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { DoormanError } from '../errors.js';

interface MediaSocketEvents {
  audio: [frame: Buffer];
  control: [message: string];
  close: [reason: string];
}

/**
 * The WebSocket carrying one external-media channel's audio (chan_websocket, server mode):
 * binary messages are raw audio in the channel's format, text messages are control lines
 * (`MEDIA_START ...`, `DTMF_END digit:5`, ...). Audio can arrive before MEDIA_START and is
 * delivered all the same.
 */
export class MediaSocket extends EventEmitter<MediaSocketEvents> {
  /** The MEDIA_START line, once it came (it names the format and optimal frame size). */
  mediaStart: string | null = null;
  /** Audio frames that arrived before MEDIA_START. */
  framesBeforeStart = 0;

  private constructor(private readonly ws: WebSocket) {
    super();
    ws.on('message', (data, isBinary) => {
      const buf = Buffer.isBuffer(data)
        ? data
        : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
      if (isBinary) {
        if (this.mediaStart === null) this.framesBeforeStart++;
        this.emit('audio', buf);
      } else {
        const line = buf.toString('utf8');
        if (line.startsWith('MEDIA_START')) this.mediaStart = line;
        this.emit('control', line);
      }
    });
    ws.on('close', (code, reason) => this.emit('close', `code ${code}${reason.length ? ` ${reason}` : ''}`));
    ws.on('error', () => {
      // 'close' follows every error; the session reacts to that.
    });
  }

  static connect(url: string, timeoutMs: number): Promise<MediaSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, 'media', { handshakeTimeout: timeoutMs });
      ws.once('open', () => resolve(new MediaSocket(ws)));
      ws.once('error', (e) =>
        reject(
          new DoormanError(
            'MEDIA_CONNECT_FAILED',
            `media WebSocket ${url}: ${e.message}`,
            { url },
            { cause: e },
          ),
        ),
      );
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /**
   * Plays 16-bit PCM in the channel's format to the caller over this socket: chan_websocket
   * buffers it, paces it out, and says MEDIA_BUFFERING_COMPLETED once the last frame has gone.
   * Resolves then, or after `timeoutMs`.
   */
  play(samples: Int16Array, timeoutMs: number): Promise<void> {
    const tag = `doorman-${Math.random().toString(36).slice(2, 10)}`;
    if (!this.open) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.off('control', onControl);
        this.off('close', done);
        resolve();
      };
      const onControl = (line: string) => {
        if (line.startsWith('MEDIA_BUFFERING_COMPLETED')) done();
      };
      const timer = setTimeout(done, timeoutMs);
      this.on('control', onControl);
      this.on('close', done);
      const bytes = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
      this.command('START_MEDIA_BUFFERING');
      // Messages may be at most 65,500 bytes; keep whole samples.
      for (let off = 0; off < bytes.length; off += 32_000) {
        if (this.open) this.ws.send(bytes.subarray(off, off + 32_000), { binary: true });
      }
      this.command(`STOP_MEDIA_BUFFERING ${tag}`);
    });
  }

  /** Sends a control command (ANSWER, HANGUP, FLUSH_MEDIA, ...). */
  command(line: string): void {
    if (this.open) this.ws.send(line);
  }

  close(): void {
    if (this.ws.readyState === WebSocket.CONNECTING || this.ws.readyState === WebSocket.OPEN) this.ws.close();
  }
}
