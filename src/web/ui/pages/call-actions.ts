import type { CallerView } from '../../routes/callers.js';
import type { CallView } from '../../routes/calls.js';
import { post } from '../api.js';
import { type Child, h, select } from '../dom.js';
import { announce, attempt } from '../status.js';

type Listed = CallView['listed'];

/** No destination of its own: the route's, for callers it does not know. */
const ROUTE_DEFAULT = '(default)';

function standing(listed: Listed): string {
  if (!listed) return 'on no list';
  return listed.list === 'block' ? 'blocked' : `allowed → ${listed.destination ?? ROUTE_DEFAULT}`;
}

/**
 * Where "Allow" sends a caller unless the user picks otherwise: an allowed caller's own
 * destination, else where this call went (a call the block list turned away went nowhere worth
 * allowing to).
 */
function preselected(c: CallView, destinations: readonly string[]): string {
  if (c.listed?.list === 'allow') return c.listed.destination ?? '';
  const wentTo = c.check !== 'blocklist' ? c.destination : null;
  return wentTo && destinations.includes(wentTo) ? wentTo : '';
}

/**
 * The one-click list actions of the log's rows (allow to a destination, re-file, block), for one
 * page of calls. Rows of the same number change together, since the lists know numbers, not calls.
 */
export function callActions(destinations: readonly string[], signal: AbortSignal) {
  const views = new Map<string, Array<(listed: Listed) => void>>();

  return (c: CallView): Child[] => {
    if (c.withheld) return [h('span', { class: 'standing' }, 'number withheld')];
    const number = c.callerNumber;
    const state = h('span', { class: 'standing' });
    const pick = select(
      [['', ROUTE_DEFAULT], ...destinations.map((d): [string, string] => [d, d])],
      preselected(c, destinations),
      { 'aria-label': `Destination for ${number}` },
    );
    const allow = h('button', { type: 'button' });
    const block = h('button', { type: 'button', class: 'danger', 'aria-label': `Block ${number}` }, 'Block');
    // Labels change in place rather than the buttons being rebuilt, so focus stays where it was.
    const show = (listed: Listed) => {
      state.textContent = standing(listed);
      const word = listed?.list === 'allow' ? 'Re-file' : 'Allow';
      allow.textContent = word;
      allow.setAttribute('aria-label', `${word} ${number}`);
    };
    show(c.listed);
    const shown = views.get(number) ?? [];
    shown.push(show);
    views.set(number, shown);

    const file = async (list: 'allow' | 'block') => {
      const body = list === 'allow' ? { list, destination: pick.value || null } : { list };
      const r = await attempt(() =>
        post<{ caller: CallerView; removedFromOther: boolean }>(
          `/api/calls/${encodeURIComponent(c.id)}/caller`,
          body,
          signal,
        ),
      );
      if (!r) return;
      const listed = { list, destination: r.caller.destination };
      for (const update of views.get(number) ?? []) update(listed);
      const other = list === 'allow' ? 'block' : 'allow';
      announce(`${number}: ${standing(listed)}${r.removedFromOther ? `, off the ${other} list` : ''}.`);
    };
    allow.addEventListener('click', () => void file('allow'));
    block.addEventListener('click', () => void file('block'));
    return [state, pick, allow, block];
  };
}
