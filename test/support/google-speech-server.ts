import { createRequire } from 'node:module';
import { join } from 'node:path';
import protoLoader from '@grpc/proto-loader';
import { grpc } from 'google-gax';

const require = createRequire(import.meta.url);
// Neither package exports its package.json; find the protos from their main modules.
const packageRoot = (main: string, name: string) =>
  main.slice(0, main.lastIndexOf(`/node_modules/${name}/`) + `/node_modules/${name}`.length);
const speechProtos = join(
  packageRoot(require.resolve('@google-cloud/speech'), '@google-cloud/speech'),
  'build',
  'protos',
);
const gaxProtos = join(packageRoot(require.resolve('google-gax'), 'google-gax'), 'build', 'protos');

interface Received {
  config: Record<string, unknown> | null;
  audioBytes: number;
}

/**
 * A Speech-to-Text server on loopback speaking the real `google.cloud.speech.v1` protos from
 * the client package: it takes the streaming config and audio, sends interim results as audio
 * arrives and `transcript` as the final one. `mode` injects faults.
 */
export class LocalSpeechServer {
  readonly received: Received[] = [];
  transcript = '';
  mode: 'normal' | 'fail' | 'stall' = 'normal';
  private server = new grpc.Server();
  port = 0;

  async start(): Promise<void> {
    const def = protoLoader.loadSync('google/cloud/speech/v1/cloud_speech.proto', {
      includeDirs: [speechProtos, gaxProtos],
      keepCase: false,
      longs: String,
      enums: String,
      defaults: true,
      oneofs: true,
    });
    // biome-ignore lint/suspicious/noExplicitAny: the loaded package is untyped
    const pkg = grpc.loadPackageDefinition(def) as any;
    this.server.addService(pkg.google.cloud.speech.v1.Speech.service, {
      streamingRecognize: (call: grpc.ServerDuplexStream<Record<string, unknown>, unknown>) => {
        const got: Received = { config: null, audioBytes: 0 };
        this.received.push(got);
        let sinceInterim = 0;
        call.on('data', (req: { streamingConfig?: Record<string, unknown>; audioContent?: Buffer }) => {
          if (req.streamingConfig) got.config = req.streamingConfig;
          if (req.audioContent?.length) {
            got.audioBytes += req.audioContent.length;
            sinceInterim += req.audioContent.length;
            if (this.mode === 'normal' && sinceInterim >= 8000) {
              sinceInterim = 0;
              const words = this.transcript.split(' ');
              const part = words.slice(0, Math.max(1, Math.ceil(words.length / 2))).join(' ');
              call.write({
                results: [{ alternatives: [{ transcript: part }], isFinal: false, stability: 0.5 }],
              });
            }
          }
        });
        call.on('end', () => {
          if (this.mode === 'stall') return;
          if (this.mode === 'fail') {
            call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'injected failure' });
            return;
          }
          call.write({
            results: [{ alternatives: [{ transcript: this.transcript, confidence: 0.9 }], isFinal: true }],
          });
          call.end();
        });
      },
      recognize: (_: unknown, cb: grpc.sendUnaryData<unknown>) => cb({ code: grpc.status.UNIMPLEMENTED }),
      longRunningRecognize: (_: unknown, cb: grpc.sendUnaryData<unknown>) =>
        cb({ code: grpc.status.UNIMPLEMENTED }),
    });
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, port) =>
        e ? reject(e) : resolve(port),
      ),
    );
  }

  /** Client options that point the real client here (no Google credentials or metadata server). */
  get clientOptions() {
    return {
      apiEndpoint: '127.0.0.1',
      port: this.port,
      sslCreds: grpc.credentials.createInsecure(),
      universeDomain: 'googleapis.com',
    };
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }
}
