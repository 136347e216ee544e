import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { finalText } from '../../src/speech/engine.js';
import { GoogleSpeechEngine } from '../../src/speech/google-engine.js';
import { engineContract, recognise } from '../support/engine-contract.js';
import { LocalSpeechServer } from '../support/google-speech-server.js';
import { speechWav } from '../support/speech.js';

describe('Google Cloud Speech engine (against a local server speaking the real protos)', () => {
  const server = new LocalSpeechServer();
  let engine: GoogleSpeechEngine;
  const alice = speechWav('alice', "Hello, I'd like to speak to Alice Johnson, please.");

  before(async () => {
    await server.start();
    server.transcript = "hello i'd like to speak to alice johnson please";
    engine = new GoogleSpeechEngine({
      logger: pino({ level: 'silent' }),
      client: server.clientOptions,
      model: 'phone_call',
      boost: 10,
    });
  });
  after(async () => {
    await engine?.close();
    await server.stop();
  });

  engineContract(() => engine, { file: alice, expect: /alice johnson/ });

  it('sends the telephone config, the directory as speech contexts, and every audio byte', async () => {
    const before = server.received.length;
    await recognise(engine, alice);
    const got = server.received[before];
    const config = got?.config as { config: Record<string, unknown>; interimResults: boolean };
    assert.equal(config.interimResults, true);
    assert.equal(config.config.sampleRateHertz, 8000);
    assert.equal(config.config.encoding, 'LINEAR16');
    assert.equal(config.config.model, 'phone_call');
    assert.deepEqual((config.config.speechContexts as Array<{ phrases: string[] }>)[0]?.phrases, [
      'Alice Johnson',
      'Accounts',
    ]);
    const { statSync } = await import('node:fs');
    assert.equal(got?.audioBytes, statSync(alice).size - 44, 'every sample arrived');
  });

  it('fails the stream (not the process) when the service fails', async () => {
    server.mode = 'fail';
    try {
      const stream = engine.open({
        sampleRate: 8000,
        hints: [],
        language: 'en-US',
        signal: new AbortController().signal,
      });
      stream.write(Buffer.alloc(3200));
      stream.end();
      await assert.rejects(finalText(stream), /Google recognition failed/);
    } finally {
      server.mode = 'normal';
    }
  });
});
