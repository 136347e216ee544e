import type { LiveEvent } from '../../../calls/live-feed.js';
import { fill, h, table } from '../dom.js';
import type { Page } from '../page.js';
import { announce } from '../status.js';

interface CallView {
  callId: string;
  caller: string;
  did: string;
  state: string;
  transcript: string;
  result: string;
  finished: boolean;
}

function describe(e: LiveEvent): string {
  switch (e.type) {
    case 'started':
      return 'arrived';
    case 'step':
      return e.step;
    case 'check':
      return `${e.trace.check}: ${e.trace.result}${e.trace.detail ? ` (${e.trace.detail})` : ''}`;
    case 'heard':
      return `heard: ${e.outcome}`;
    case 'finished':
      return e.outcome;
  }
}

/** Folds a call's events into one row: who, where it stands, what was heard, where it went. */
function apply(calls: Map<string, CallView>, e: LiveEvent): void {
  const c =
    calls.get(e.callId) ??
    ({
      callId: e.callId,
      caller: '',
      did: '',
      state: '',
      transcript: '',
      result: '',
      finished: false,
    } as CallView);
  if (e.type === 'started') {
    c.caller = [e.callerName, e.callerNumber].filter(Boolean).join(' ') || 'withheld';
    c.did = e.did;
  }
  if (e.type === 'heard') c.transcript = e.transcript;
  if (e.type === 'finished') {
    c.finished = true;
    c.result = e.destination ? `${e.outcome} to ${e.destination}` : e.outcome;
  }
  c.state = describe(e);
  calls.set(e.callId, c);
}

export const livePage: Page = {
  path: '/live',
  title: 'Live',
  async render({ main, signal }) {
    const calls = new Map<string, CallView>();
    const view = h('div', { 'aria-live': 'polite' });
    const draw = () => {
      const all = [...calls.values()];
      fill(
        view,
        table(
          'Calls in progress',
          [
            { label: 'Caller', cell: (c) => c.caller },
            { label: 'Dialled', cell: (c) => c.did },
            { label: 'Now', cell: (c) => c.state },
            { label: 'Heard', cell: (c) => c.transcript },
          ],
          all.filter((c) => !c.finished),
          'none right now.',
        ),
        table(
          'Just finished',
          [
            { label: 'Caller', cell: (c) => c.caller },
            { label: 'Dialled', cell: (c) => c.did },
            { label: 'Heard', cell: (c) => c.transcript },
            { label: 'Result', cell: (c) => c.result },
          ],
          all.filter((c) => c.finished).reverse(),
          'nothing yet.',
        ),
      );
    };
    draw();
    main.append(view);
    // EventSource sends the session cookie (same origin) and reconnects by itself.
    const source = new EventSource('/api/live');
    signal.addEventListener('abort', () => source.close());
    source.onmessage = (m) => {
      apply(calls, JSON.parse(m.data as string) as LiveEvent);
      draw();
    };
    source.onerror = () => {
      if (source.readyState === EventSource.CLOSED)
        announce('The live stream closed; reload the page.', 'error');
    };
  },
};
