import { EventEmitter } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/**
 * Fault injection between Doorman and the real Asterisk: a loopback proxy that passes ARI's
 * REST calls, its event WebSocket and the external-media WebSockets through unchanged, and on
 * demand slips malformed or unexpected frames into the event stream, or cuts media sockets.
 */
export class AriProxy extends EventEmitter<{ mediaOpen: [string] }> {
  private server: Server | undefined;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly events = new Set<WebSocket>();
  private readonly media = new Map<string, { client: WebSocket; upstream: WebSocket }>();

  constructor(private readonly upstream = 'http://127.0.0.1:8088') {
    super();
  }

  async start(): Promise<string> {
    const up = new URL(this.upstream);
    this.server = createServer((req, res) => {
      const out = request(
        {
          host: up.hostname,
          port: up.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
          timeout: 10_000,
        },
        (upRes) => {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        },
      );
      out.on('error', () => res.writeHead(502).end());
      req.pipe(out);
    });
    this.server.on('upgrade', (req, socket, head) => {
      const url = req.url ?? '/';
      const protocols = (req.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      const target = new WebSocket(`${this.upstream.replace(/^http/, 'ws')}${url}`, protocols, {
        headers: req.headers.authorization ? { authorization: req.headers.authorization } : {},
        handshakeTimeout: 5_000,
      });
      target.once('error', () => socket.destroy());
      target.once('open', () => {
        this.wss.handleUpgrade(req, socket, head, (client) => this.relay(url, client, target));
      });
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private relay(url: string, client: WebSocket, upstream: WebSocket): void {
    const isEvents = url.startsWith('/ari/events');
    const mediaId = /^\/media\/([^/?]+)/.exec(url)?.[1];
    if (isEvents) this.events.add(client);
    if (mediaId) {
      this.media.set(mediaId, { client, upstream });
      this.emit('mediaOpen', mediaId);
    }
    upstream.on('message', (data, isBinary) => {
      if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
    });
    client.on('message', (data, isBinary) => {
      if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary: isBinary });
    });
    const end = () => {
      this.events.delete(client);
      if (mediaId) this.media.delete(mediaId);
      client.terminate();
      upstream.terminate();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  }

  /** Sends raw text (or JSON) to every event-socket client, as if Asterisk had sent it. */
  inject(frame: string | object): void {
    const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
    for (const ws of this.events) ws.send(text);
  }

  /** Cuts every open media socket, on both sides, as a network failure would. Returns how many. */
  dropMedia(): number {
    const n = this.media.size;
    for (const { client, upstream } of this.media.values()) {
      client.terminate();
      upstream.terminate();
    }
    this.media.clear();
    return n;
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    for (const { upstream } of this.media.values()) upstream.terminate();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
