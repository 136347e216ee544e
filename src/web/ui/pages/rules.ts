import type { ExpectedCallerView } from '../../routes/expected-callers.js';
import type { NameRuleView } from '../../routes/name-rules.js';
import type { NumberRuleView } from '../../routes/number-rules.js';
import type { OutboundGrantView } from '../../routes/outbound-grants.js';
import { ApiError, get, post, request } from '../api.js';
import { when } from '../dates.js';
import { type Column, field, fill, h, select, table } from '../dom.js';
import { act, announce, attempt, errorText } from '../status.js';

/** A section's add form: its fields, the request body they make, and the field a refusal points at. */
interface AddForm {
  fields: HTMLElement[];
  body(): Record<string, unknown>;
  /** Where the API's 400 is shown and focus goes. */
  main: HTMLInputElement;
  /** What was added, for the status line. */
  added(): string;
  button: string;
}

/**
 * A list the API keeps at `api` (GET lists, POST adds, DELETE /:id removes), as a table with a
 * Remove button per row and a form that adds; the API's validation error is shown at the form's
 * main field. Name rules, number rules and expected callers are each one of these.
 */
async function listSection<T extends { id: string }>(o: {
  title: string;
  hint: string;
  api: string;
  columns: Column<T>[];
  /** How a row is named on its Remove button and in the status line. */
  name: (row: T) => string;
  /** None for a list made elsewhere (outbound grants come from phones). */
  form?: AddForm;
  /** What a row's button does to it, and says. */
  remove?: { label: string; path: (row: T) => string; done: string };
  signal: AbortSignal;
}): Promise<HTMLElement> {
  const list = h('div');
  const load = async () => {
    const { items } = await get<{ items: T[] }>(o.api, o.signal);
    const { label, path, done } = o.remove ?? {
      label: 'Remove',
      path: (r: T) => `${o.api}/${r.id}`,
      done: 'Removed',
    };
    const remove: Column<T> = {
      label: 'Actions',
      cell: (r) =>
        h(
          'button',
          {
            type: 'button',
            'aria-label': `${label} ${o.name(r)}`,
            onclick: async () => {
              if (!(await act(() => request('DELETE', path(r))))) return;
              announce(`${done} ${o.name(r)}`);
              await attempt(load);
            },
          },
          label,
        ),
    };
    fill(list, table(o.title, [...o.columns, remove], items));
  };
  await load();
  const hint = h('p', { class: 'hint' }, o.hint);
  const f = o.form;
  if (!f) return h('section', {}, h('h2', {}, o.title), hint, list);
  const error = h('p', { class: 'error', id: `${o.api.replace(/\W+/g, '-')}-error`, role: 'alert' });
  const form = h('form', { class: 'inline' }, ...f.fields, h('button', { type: 'submit' }, f.button));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    f.main.removeAttribute('aria-invalid');
    try {
      await post(o.api, f.body(), o.signal);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 400) return announce(errorText(err), 'error');
      error.textContent = err.message;
      f.main.setAttribute('aria-invalid', 'true');
      f.main.setAttribute('aria-errormessage', error.id);
      return f.main.focus();
    }
    announce(`Added ${f.added()}`);
    f.main.value = '';
    await attempt(load);
  });
  return h('section', {}, h('h2', {}, o.title), hint, form, error, list);
}

/** Extensions allowed to call out after their PIN (outbound PIN protect): revoke one. */
export function outboundGrantsSection(signal: AbortSignal): Promise<HTMLElement> {
  return listSection<OutboundGrantView & { id: string }>({
    title: 'Outbound grants',
    hint: 'Extensions that entered their PIN on the grant code and may call out until the time shown.',
    api: '/api/outbound-grants',
    columns: [
      { label: 'Extension', cell: (g) => g.extension },
      { label: 'Until', cell: (g) => when(g.expiresAt) },
      { label: 'Granted', cell: (g) => when(g.grantedAt) },
    ],
    name: (g) => `the grant of extension ${g.extension}`,
    remove: { label: 'Revoke', path: (g) => `/api/outbound-grants/${g.extension}`, done: 'Revoked' },
    signal,
  });
}

const LISTS: Array<[string, string]> = [
  ['block', 'blocks'],
  ['allow', 'lets in'],
];
const destinationOrRoute = (destinations: string[], label: string) =>
  select([['', "the route's"], ...destinations.map((d): [string, string] => [d, d])], '', {
    name: 'destination',
    'aria-label': label,
  });

interface RuleView {
  id: string;
  kind: string;
  pattern: string;
  list: 'allow' | 'block';
  destination: string | null;
}

/** A rules list for either list, each rule with its own destination: name rules and number rules. */
function rulesSection<T extends RuleView>(
  o: {
    /** "Name" or "Number": the section's title and its fields' labels. */
    what: string;
    hint: string;
    api: string;
    kinds: string[];
    pattern: { label: string; hint: string; maxlength: number };
    button: string;
    name: (r: T) => string;
  },
  destinations: string[],
  signal: AbortSignal,
): Promise<HTMLElement> {
  const kind = select(o.kinds, o.kinds[0] ?? '', { name: 'kind' });
  const list = select(LISTS, 'block', { name: 'list' });
  const pattern = h('input', { name: 'pattern', maxlength: o.pattern.maxlength, required: true });
  const destination = destinationOrRoute(destinations, `${o.what} rule destination`);
  return listSection<T>({
    title: `${o.what} rules`,
    hint: o.hint,
    api: o.api,
    columns: [
      { label: 'Kind', cell: (r) => r.kind },
      { label: 'Pattern', cell: (r) => h('code', {}, r.pattern) },
      { label: 'List', cell: (r) => (r.list === 'allow' ? 'lets in' : 'blocks') },
      { label: 'Destination', cell: (r) => r.destination ?? "the route's" },
    ],
    name: o.name,
    form: {
      fields: [
        field(`${o.what} rule kind`, kind),
        field(o.pattern.label, pattern, o.pattern.hint),
        field(`${o.what} rule`, list),
        field(`${o.what} rule destination`, destination),
      ],
      body: () => ({
        kind: kind.value,
        pattern: pattern.value,
        list: list.value,
        ...(destination.value ? { destination: destination.value } : {}),
      }),
      main: pattern,
      added: () => `${kind.value} rule ${pattern.value}`,
      button: o.button,
    },
    signal,
  });
}

/** Caller-ID name rules for either list, each with its own destination. */
export const nameRulesSection = (destinations: string[], signal: AbortSignal) =>
  rulesSection<NameRuleView>(
    {
      what: 'Name',
      hint: "Calls whose caller-ID name matches a rule are blocked, or let in. Caller-ID names are the caller's to set: an allow rule lets in anyone who sends that name.",
      api: '/api/name-rules',
      kinds: ['exact', 'regex'],
      pattern: {
        label: 'Caller name or pattern',
        hint: 'exact: case, spaces and punctuation ignored',
        maxlength: 255,
      },
      button: 'Add rule',
      name: (r) => `rule ${r.pattern}`,
    },
    destinations,
    signal,
  );

/** Number prefix, range and neighbour rules for either list, each with its own destination. */
export const numberRulesSection = (destinations: string[], signal: AbortSignal) =>
  rulesSection<NumberRuleView>(
    {
      what: 'Number',
      hint: 'A prefix (+1900), a range (+15550100-+15550199) or a neighbour rule (the first digits of the number called, as spoofers copy them) covers many numbers; a number listed by itself wins over any rule.',
      api: '/api/number-rules',
      kinds: ['prefix', 'range', 'neighbour'],
      pattern: {
        label: 'Prefix, range or digits',
        hint: 'neighbour: how many leading digits to compare',
        maxlength: 64,
      },
      button: 'Add number rule',
      name: (r) => `${r.kind} rule ${r.pattern}`,
    },
    destinations,
    signal,
  );

/** Expected callers: a few words or a number prefix let in to a destination for some hours. */
export function expectedCallersSection(destinations: string[], signal: AbortSignal): Promise<HTMLElement> {
  const words = h('input', { name: 'words', maxlength: 300 });
  const prefix = h('input', { name: 'numberPrefix', maxlength: 20, inputmode: 'tel' });
  const destination = select(destinations, destinations[0] ?? '', { name: 'destination' });
  const hours = h('input', {
    name: 'hours',
    type: 'number',
    min: 0.25,
    step: 0.25,
    value: '4',
    required: true,
  });
  const wordList = () =>
    words.value
      .split(',')
      .map((w) => w.trim())
      .filter(Boolean);
  return listSection<ExpectedCallerView>({
    title: 'Expected callers',
    hint: '"My bank will call back this afternoon": a caller who names these words, or calls from this prefix, is put through and allowlisted until the pass ends.',
    api: '/api/expected-callers',
    columns: [
      { label: 'Words', cell: (p) => p.words.join(', ') },
      { label: 'Number prefix', cell: (p) => p.numberPrefix ?? '' },
      { label: 'Destination', cell: (p) => p.destination },
      { label: 'Until', cell: (p) => when(p.expiresAt) },
    ],
    name: (p) => `pass ${[...p.words, p.numberPrefix ?? ''].filter(Boolean).join(', ')}`,
    form: {
      fields: [
        field('Words the caller will say', words, 'comma-separated: Acme Bank, pharmacy'),
        field('Or calls from', prefix, 'a number prefix: +1800555'),
        field('Put through to', destination),
        field('For hours', hours),
      ],
      body: () => ({
        words: wordList(),
        ...(prefix.value.trim() ? { numberPrefix: prefix.value.trim() } : {}),
        destination: destination.value,
        hours: Number(hours.value),
      }),
      main: words,
      added: () => `pass ${words.value || prefix.value}`,
      button: 'Add pass',
    },
    signal,
  });
}
