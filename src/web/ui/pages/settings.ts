import type { HouseState } from '../../routes/house.js';
import type { Routing } from '../../routes/routing.js';
import type { ScreeningState } from '../../routes/screening.js';
import { get, post } from '../api.js';
import { field, fill, h, table } from '../dom.js';
import type { Page } from '../page.js';
import { announce, attempt } from '../status.js';
import { outboundGrantsSection } from './rules.js';

/** m:ss or h:mm:ss left until `until`. */
function timeLeft(until: Date, now: Date): string {
  const total = Math.max(0, Math.ceil((until.getTime() - now.getTime()) / 1000));
  const [hours, minutes, seconds] = [Math.floor(total / 3600), Math.floor(total / 60) % 60, total % 60];
  const two = (n: number) => String(n).padStart(2, '0');
  return hours ? `${hours}:${two(minutes)}:${two(seconds)}` : `${minutes}:${two(seconds)}`;
}

/** The screening switch and a timed bypass, with a countdown while one runs. */
function screeningSection(initial: ScreeningState, signal: AbortSignal): HTMLElement {
  const section = h('section', {}, h('h2', {}, 'Screening'));
  const body = h('div');
  let ticking: number | undefined;
  signal.addEventListener('abort', () => clearInterval(ticking));

  const change = async (path: string, body: unknown, said: (s: ScreeningState) => string) => {
    const s = await attempt(() => post<ScreeningState>(path, body, signal));
    if (!s) return;
    render(s);
    announce(said(s));
  };

  const render = (state: ScreeningState) => {
    clearInterval(ticking);
    const minutes = h('input', {
      type: 'number',
      name: 'minutes',
      min: 1,
      max: 10080,
      value: 30,
      required: true,
    });
    const bypassForm = h(
      'form',
      { class: 'inline' },
      field('Let calls through unscreened for (minutes)', minutes),
      h('button', { type: 'submit' }, 'Start bypass'),
    );
    bypassForm.addEventListener('submit', (e) => {
      e.preventDefault();
      void change('/api/screening/bypass', { minutes: Number(minutes.value) }, (s) =>
        s.bypassUntil
          ? `Bypass running until ${new Date(s.bypassUntil).toLocaleTimeString()}`
          : 'Bypass ended',
      );
    });
    const countdown = h('p', { class: 'countdown' });
    if (state.bypassUntil) {
      const until = new Date(state.bypassUntil);
      const clock = h('span', { role: 'timer', 'aria-live': 'off', class: 'clock' });
      const tick = () => {
        clock.textContent = timeLeft(until, new Date());
        if (until.getTime() <= Date.now()) {
          clearInterval(ticking);
          void attempt(() => get<ScreeningState>('/api/screening', signal).then(render));
        }
      };
      tick();
      ticking = window.setInterval(tick, 1000);
      fill(
        countdown,
        'Bypass: calls go through unscreened for another ',
        clock,
        ` (until ${until.toLocaleTimeString()}). `,
        h(
          'button',
          {
            type: 'button',
            onclick: () => change('/api/screening/bypass', { minutes: 0 }, () => 'Bypass ended'),
          },
          'End bypass',
        ),
      );
    }
    fill(
      body,
      h(
        'p',
        { class: state.on ? 'on' : 'off' },
        state.on ? 'Screening is on.' : 'Screening is off: every call goes through.',
      ),
      h(
        'button',
        {
          type: 'button',
          onclick: () =>
            change('/api/screening', { on: !state.on }, (s) =>
              s.on ? 'Screening switched on' : 'Screening switched off',
            ),
        },
        state.on ? 'Switch screening off' : 'Switch screening on',
      ),
      state.bypassUntil ? countdown : bypassForm,
    );
  };
  render(initial);
  section.append(body);
  return section;
}

/** Home or away (`house`): where callers who pass go, and whether they are announced. */
function houseSection(initial: HouseState, signal: AbortSignal): HTMLElement {
  const body = h('div');
  const render = (s: HouseState) => {
    const other = s.mode === 'home' ? 'away' : 'home';
    fill(
      body,
      h('p', {}, `The house is ${s.mode}: ${s.summary}.`),
      h(
        'button',
        {
          type: 'button',
          onclick: async () => {
            const next = await attempt(() => post<HouseState>('/api/house', { mode: other }, signal));
            if (!next) return;
            render(next);
            announce(`House mode: ${next.mode}`);
          },
        },
        `Switch to ${other}`,
      ),
    );
  };
  render(initial);
  return h('section', {}, h('h2', {}, 'Home or away'), body);
}

export const settingsPage: Page = {
  path: '/settings',
  title: 'Settings',
  async render({ main, signal }) {
    const [state, house, routing] = await Promise.all([
      get<ScreeningState>('/api/screening', signal),
      get<HouseState>('/api/house', signal),
      get<Routing>('/api/routing', signal),
    ]);
    main.append(
      screeningSection(state, signal),
      houseSection(house, signal),
      h(
        'section',
        {},
        h('h2', {}, 'Destinations and routes'),
        h('p', { class: 'hint' }, 'From the config file; change them there.'),
        table(
          'Destinations',
          [
            { label: 'Name', cell: (d) => d.name },
            { label: 'Goes to', cell: (d) => d.target },
          ],
          routing.destinations,
        ),
        table(
          'Routes',
          [
            { label: 'Route (DID)', cell: (r) => r.name },
            { label: 'Checks in order', cell: (r) => r.checks.join(' → ') },
            { label: 'Unknown callers', cell: (r) => r.unknown },
            { label: 'Blocked', cell: (r) => r.blocked },
            { label: 'Machines', cell: (r) => r.machine ?? r.unknown },
            { label: 'Withheld numbers blocked', cell: (r) => (r.blockAnonymous ? 'yes' : 'no') },
            { label: 'Announced to the callee', cell: (r) => r.announce },
            { label: 'PIN set', cell: (r) => r.pinSet },
          ],
          routing.routes,
        ),
      ),
      await outboundGrantsSection(signal),
    );
  },
};
