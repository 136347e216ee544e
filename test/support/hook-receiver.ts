import { createServer, type Server } from 'node:http';
import type { WebhookEvent } from '../../src/webhooks/call-event.js';
import { verifySignature } from '../../src/webhooks/signature.js';

export const HOOK_SECRET = 'test-webhook-secret-0123456789';

/** A CRM on loopback: collects Doorman's webhook events and checks their signatures. */
export class HookReceiver {
  readonly events: WebhookEvent[] = [];
  badSignatures = 0;
  private readonly server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      if (verifySignature(HOOK_SECRET, body, String(req.headers['x-doorman-signature'] ?? '')))
        this.events.push(JSON.parse(body) as WebhookEvent);
      else this.badSignatures++;
      res.writeHead(204).end();
    });
  });
  /** Known before listening, because the tests' config (which names it) is built first. */
  constructor(private readonly port = 40_000 + (process.pid % 20_000)) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/doorman`;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', resolve);
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}
