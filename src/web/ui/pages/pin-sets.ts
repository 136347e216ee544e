import type { PinSetSummary } from '../../routes/pin-sets.js';
import { get, post, request } from '../api.js';
import { csvImport } from '../csv-import.js';
import { when } from '../dates.js';
import { field, fill, h, table } from '../dom.js';
import type { Page } from '../page.js';
import { act, announce, attempt } from '../status.js';

interface PinLabel {
  label: string;
  pin: string | null;
  createdAt: string;
}

const setPath = (set: string) => `/api/pin-sets/${encodeURIComponent(set)}`;

/** One set's labels: give a label a PIN (new or replaced), remove one, import a CSV. */
async function setSection(
  set: PinSetSummary,
  reload: () => Promise<void>,
  signal: AbortSignal,
): Promise<HTMLElement> {
  const labels = h('div');
  const load = async () => {
    const { items } = await get<{ items: PinLabel[] }>(`${setPath(set.name)}/pins`, signal);
    fill(
      labels,
      table(
        `Labels in ${set.name}`,
        [
          { label: 'Label (account code)', cell: (p) => p.label },
          { label: 'PIN', cell: (p) => p.pin ?? (set.hashed ? 'hashed' : '') },
          { label: 'Added', cell: (p) => when(p.createdAt) },
          {
            label: 'Actions',
            cell: (p) =>
              h(
                'button',
                {
                  type: 'button',
                  'aria-label': `Remove ${p.label}`,
                  onclick: async () => {
                    if (
                      !(await act(() =>
                        request('DELETE', `${setPath(set.name)}/pins/${encodeURIComponent(p.label)}`),
                      ))
                    )
                      return;
                    announce(`Removed ${p.label} from ${set.name}`);
                    await attempt(load);
                    await attempt(reload);
                  },
                },
                'Remove',
              ),
          },
        ],
        items,
        'no PINs yet',
      ),
    );
  };
  const label = h('input', { name: 'label', maxlength: 80, required: true });
  const pin = h('input', {
    name: 'pin',
    type: 'password',
    inputmode: 'numeric',
    autocomplete: 'off',
    pattern: '[0-9*]{3,16}',
    required: true,
  });
  const form = h(
    'form',
    { class: 'inline' },
    field('Label', label),
    field('PIN', pin, '3 to 16 keypad digits (0-9, *)'),
    h('button', { type: 'submit' }, 'Save PIN'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = await attempt(() =>
      request<{ result: string }>(
        'PUT',
        `${setPath(set.name)}/pins/${encodeURIComponent(label.value)}`,
        { json: { pin: pin.value } },
        signal,
      ),
    );
    if (!r) return;
    announce(`${label.value}: PIN ${r.result}`);
    form.reset();
    await attempt(load);
    await attempt(reload);
  });
  await load();
  return h(
    'section',
    { 'aria-label': `PIN set ${set.name}` },
    h('h2', {}, `PIN set ${set.name}`),
    form,
    csvImport({
      label: 'Import PINs (CSV: label,pin)',
      url: () => `${setPath(set.name)}/import`,
      done: () => {
        void attempt(load);
        void attempt(reload);
      },
    }),
    labels,
  );
}

export const pinSetsPage: Page = {
  path: '/pin-sets',
  title: 'PIN sets',
  async render({ main, signal }) {
    const list = h('div');
    const open = h('div');
    const load = async () => {
      const { items } = await get<{ items: PinSetSummary[] }>('/api/pin-sets', signal);
      fill(
        list,
        table(
          'PIN sets',
          [
            { label: 'Name', cell: (s) => s.name },
            { label: 'PINs', cell: (s) => s.pins, numeric: true },
            {
              label: 'Kept',
              cell: (s) => (s.hashed ? 'hashed' : 'in the clear') + (s.sealed ? ', sealed' : ''),
            },
            { label: 'Note', cell: (s) => s.note },
            { label: 'Created', cell: (s) => when(s.createdAt) },
            {
              label: 'Actions',
              cell: (s) =>
                h(
                  'span',
                  {},
                  h(
                    'button',
                    {
                      type: 'button',
                      'aria-label': `Open ${s.name}`,
                      onclick: async () => {
                        const section = await attempt(() => setSection(s, load, signal));
                        if (section) fill(open, section);
                      },
                    },
                    'Open',
                  ),
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'danger',
                      'aria-label': `Delete ${s.name}`,
                      onclick: async () => {
                        if (!window.confirm(`Delete the PIN set ${s.name} and its ${s.pins} PINs?`)) return;
                        if (!(await act(() => request('DELETE', setPath(s.name))))) return;
                        announce(`Deleted ${s.name}`);
                        fill(open);
                        await attempt(load);
                      },
                    },
                    'Delete',
                  ),
                ),
            },
          ],
          items,
          'none yet',
        ),
      );
    };
    const name = h('input', {
      name: 'name',
      maxlength: 64,
      required: true,
      pattern: '[a-z0-9][a-z0-9_\\-]*',
    });
    const hashed = h('input', { type: 'checkbox', name: 'hashed', checked: true });
    const note = h('input', { name: 'note', maxlength: 1000 });
    const form = h(
      'form',
      { class: 'inline' },
      field('Name', name, 'lower-case letters, digits, _ and -'),
      field('Keep only hashes of the PINs', hashed),
      field('Note', note),
      h('button', { type: 'submit' }, 'Create set'),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const created = await attempt(() =>
        post<PinSetSummary>(
          '/api/pin-sets',
          { name: name.value, hashed: hashed.checked, note: note.value || null },
          signal,
        ),
      );
      if (!created) return;
      announce(`Created the PIN set ${created.name}`);
      form.reset();
      await attempt(load);
    });
    await load();
    main.append(h('section', {}, h('h2', {}, 'Sets'), form, list), open);
  },
};
