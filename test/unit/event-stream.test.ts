import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventStream } from '../../src/util/event-stream.js';

/** A source the test drives by hand, and whether the stream still listens to it. */
function source<T>() {
  let push: (v: T) => void = () => {};
  let end: (e?: unknown) => void = () => {};
  const state = { subscribed: false };
  const stream = (signal?: AbortSignal) =>
    new EventStream<T>((p, e) => {
      push = p;
      end = e;
      state.subscribed = true;
      return () => {
        state.subscribed = false;
      };
    }, signal);
  return { stream, push: (v: T) => push(v), end: (e?: unknown) => end(e), state };
}

describe('EventStream', () => {
  it('keeps what is pushed while the reader is busy, in order', async () => {
    const s = source<number>();
    const stream = s.stream();
    s.push(1);
    s.push(2);
    const first = stream.next();
    s.push(3);
    assert.deepEqual(await first, { value: 1, done: false });
    assert.deepEqual(await stream.next(), { value: 2, done: false });
    assert.deepEqual(await stream.next(), { value: 3, done: false });
    const pending = stream.next();
    s.push(4);
    assert.deepEqual(await pending, { value: 4, done: false });
  });

  it('lets go of the source when the reader leaves the loop or closes it', async () => {
    const s = source<string>();
    const stream = s.stream();
    s.push('1');
    s.push('#');
    for await (const k of stream) if (k === '1') break;
    assert.equal(s.state.subscribed, false);
    assert.deepEqual(await stream.next(), { value: undefined, done: true });

    const t = source<string>();
    const other = t.stream();
    const pending = other.next();
    other.close();
    assert.deepEqual(await pending, { value: undefined, done: true });
    assert.equal(t.state.subscribed, false);
  });

  it('hands out what came before the source failed, then the failure', async () => {
    const s = source<number>();
    const stream = s.stream();
    s.push(7);
    s.end(new Error('leg closed'));
    assert.equal(s.state.subscribed, false);
    assert.deepEqual(await stream.next(), { value: 7, done: false });
    await assert.rejects(stream.next(), /leg closed/);
  });

  it('fails a waiting read with the abort reason, and starts failed on an aborted signal', async () => {
    const ac = new AbortController();
    const s = source<number>();
    const stream = s.stream(ac.signal);
    const pending = stream.next();
    ac.abort(new Error('caller hung up'));
    await assert.rejects(pending, /caller hung up/);
    assert.equal(s.state.subscribed, false);

    const late = source<number>();
    await assert.rejects(late.stream(ac.signal).next(), /caller hung up/);
    assert.equal(late.state.subscribed, false);
  });

  it('copes with a source that ends it while subscribing', async () => {
    let unsubscribed = 0;
    const stream = new EventStream<number>((_push, end) => {
      end(new Error('already closed'));
      return () => {
        unsubscribed++;
      };
    });
    await assert.rejects(stream.next(), /already closed/);
    assert.equal(unsubscribed, 1);
  });
});
