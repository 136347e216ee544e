import { CALLER_SOURCES } from '../../../store/schema.js';
import type { CallerView } from '../../routes/callers.js';
import type { Routing } from '../../routes/routing.js';
import { get, post, query, request } from '../api.js';
import { csvImport } from '../csv-import.js';
import { when } from '../dates.js';
import { type Column, field, fill, h, select, table } from '../dom.js';
import type { Page } from '../page.js';
import { act, announce, attempt } from '../status.js';
import { expectedCallersSection, nameRulesSection, numberRulesSection } from './rules.js';

const PAGE_SIZE = 50;
const LISTS: Array<[string, string]> = [
  ['allow', 'Allow'],
  ['block', 'Block'],
];

interface Filter {
  list: string;
  source: string;
  search: string;
  offset: number;
}

/** The allow and block lists: filter, edit destinations inline, bulk actions, CSV in and out. */
export const callersPage: Page = {
  path: '/callers',
  title: 'Callers',
  async render({ main, signal }) {
    const { destinations } = await get<Routing>('/api/routing', signal);
    const destinationNames = destinations.map((d) => d.name);
    const filter: Filter = { list: '', source: '', search: '', offset: 0 };
    const selected = new Set<string>();
    const results = h('div');

    const destinationSelect = (current: string, attrs: Record<string, string>) =>
      select([['', '(none)'], ...destinationNames.map((n): [string, string] => [n, n])], current, attrs);

    /** Saves a destination picked in the table; puts the old one back if the API refuses it. */
    const changeDestination = async (c: CallerView, el: HTMLSelectElement) => {
      const destination = el.value || null;
      const ok = await act(() => request('PATCH', `/api/callers/${c.id}`, { json: { destination } }, signal));
      if (!ok) {
        el.value = c.destination ?? '';
        return;
      }
      c.destination = destination;
      announce(`${c.number}: destination ${destination ?? 'none'} saved`);
    };

    const columns: Column<CallerView>[] = [
      {
        label: 'Select',
        cell: (c) =>
          h('input', {
            type: 'checkbox',
            class: 'pick',
            'aria-label': `Select ${c.number}`,
            checked: selected.has(c.id),
            onchange: (e) => {
              const box = e.target as HTMLInputElement;
              if (box.checked) selected.add(c.id);
              else selected.delete(c.id);
              renderBulk();
            },
          }),
      },
      { label: 'Number', cell: (c) => c.number },
      { label: 'Name', cell: (c) => c.name },
      { label: 'List', cell: (c) => c.list },
      {
        label: 'Destination',
        cell: (c) => {
          const el = destinationSelect(c.destination ?? '', { 'aria-label': `Destination for ${c.number}` });
          el.addEventListener('change', () => void changeDestination(c, el));
          return el;
        },
      },
      { label: 'Source', cell: (c) => (c.addedBy ? `${c.source} (${c.addedBy})` : c.source) },
      { label: 'Added', cell: (c) => when(c.createdAt) },
      { label: 'Last seen', cell: (c) => when(c.lastSeenAt) },
      { label: 'Hits', cell: (c) => c.hits, numeric: true },
      { label: 'Expires', cell: (c) => when(c.expiresAt) },
      { label: 'Scope', cell: (c) => c.scope || 'all' },
    ];

    const bulk = h('div', { class: 'bulk', role: 'group', 'aria-label': 'Selected callers' });
    const renderBulk = () => {
      const ids = [...selected];
      const moveTo = destinationSelect('', { 'aria-label': 'New destination' });
      const listTo = select(LISTS, 'block', { 'aria-label': 'New list' });
      const run = async (what: () => Promise<unknown>, done: string) => {
        if (!(await act(what))) return;
        announce(done);
        selected.clear();
        await attempt(load);
      };
      fill(
        bulk,
        h('span', {}, `${ids.length} selected`),
        moveTo,
        h(
          'button',
          {
            type: 'button',
            disabled: ids.length === 0,
            onclick: () =>
              run(
                () => post('/api/callers/bulk-move', { ids, destination: moveTo.value || null }, signal),
                `${ids.length} callers now go to ${moveTo.value || 'no set destination'}`,
              ),
          },
          'Set destination',
        ),
        listTo,
        h(
          'button',
          {
            type: 'button',
            disabled: ids.length === 0,
            onclick: () =>
              run(
                () => post('/api/callers/bulk-move', { ids, list: listTo.value }, signal),
                `${ids.length} callers moved to the ${listTo.value} list`,
              ),
          },
          'Move to list',
        ),
        h(
          'button',
          {
            type: 'button',
            class: 'danger',
            disabled: ids.length === 0,
            onclick: () => {
              if (!window.confirm(`Delete ${ids.length} callers?`)) return;
              void run(
                () => post('/api/callers/bulk-delete', { ids }, signal),
                `${ids.length} callers deleted`,
              );
            },
          },
          'Delete',
        ),
      );
    };

    const load = async () => {
      const { total, items } = await get<{ total: number; items: CallerView[] }>(
        `/api/callers${query({
          list: filter.list,
          source: filter.source,
          search: filter.search,
          limit: PAGE_SIZE,
          offset: filter.offset,
        })}`,
        signal,
      );
      const last = Math.min(filter.offset + items.length, total);
      const pageBy = (delta: number) => async () => {
        filter.offset = Math.max(0, filter.offset + delta);
        await attempt(load);
      };
      fill(
        results,
        h(
          'p',
          { 'aria-live': 'polite' },
          total ? `Callers ${filter.offset + 1}–${last} of ${total}` : 'No callers match.',
        ),
        table('Callers', columns, items, 'none match'),
        h(
          'div',
          { class: 'pager' },
          h(
            'button',
            { type: 'button', disabled: filter.offset === 0, onclick: pageBy(-PAGE_SIZE) },
            'Previous',
          ),
          h('button', { type: 'button', disabled: last >= total, onclick: pageBy(PAGE_SIZE) }, 'Next'),
        ),
      );
      renderBulk();
    };

    const listFilter = select([['', 'Both'], ...LISTS], '', { name: 'list' });
    const sourceFilter = select([['', 'Any'], ...CALLER_SOURCES.map((s): [string, string] => [s, s])], '', {
      name: 'source',
    });
    const search = h('input', { type: 'search', name: 'search', maxlength: 100 });
    const filterForm = h(
      'form',
      { class: 'inline', role: 'search' },
      field('List', listFilter),
      field('Source', sourceFilter),
      field('Number or name', search),
      h('button', { type: 'submit' }, 'Filter'),
    );
    filterForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      Object.assign(filter, {
        list: listFilter.value,
        source: sourceFilter.value,
        search: search.value,
        offset: 0,
      });
      selected.clear();
      await attempt(load);
    });

    const importList = select(LISTS, 'allow', { 'aria-label': 'List for rows without one' });
    await load();
    main.append(
      h(
        'section',
        {},
        h('h2', {}, 'Allow and block lists'),
        addForm(destinationSelect, load, signal),
        filterForm,
        bulk,
        results,
      ),
      h(
        'section',
        {},
        h('h2', {}, 'CSV'),
        h(
          'p',
          {},
          h(
            'a',
            { href: '/api/callers/export', download: 'doorman-callers.csv' },
            'Export all callers as CSV',
          ),
        ),
        csvImport({
          label: 'Import callers (CSV with a number column)',
          url: () => `/api/callers/import${query({ list: importList.value })}`,
          done: () => void attempt(load),
          extra: [field('List for rows without one', importList)],
        }),
      ),
      await numberRulesSection(destinationNames, signal),
      await nameRulesSection(destinationNames, signal),
      await expectedCallersSection(destinationNames, signal),
    );
  },
};

/** Adding one caller by hand. */
function addForm(
  destinationSelect: (current: string, attrs: Record<string, string>) => HTMLSelectElement,
  reload: () => Promise<void>,
  signal: AbortSignal,
): HTMLElement {
  const number = h('input', { name: 'number', maxlength: 64, required: true, inputmode: 'tel' });
  const name = h('input', { name: 'name', maxlength: 255 });
  const list = select(LISTS, 'allow', { name: 'list' });
  const destination = destinationSelect('', { name: 'destination' });
  const form = h(
    'form',
    { class: 'inline' },
    field('Number', number),
    field('Name', name),
    field('List', list),
    field('Destination', destination),
    h('button', { type: 'submit' }, 'Add caller'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const added = await attempt(() =>
      post<CallerView>(
        '/api/callers',
        {
          number: number.value,
          name: name.value || null,
          list: list.value,
          destination: destination.value || null,
        },
        signal,
      ),
    );
    if (!added) return;
    announce(`Added ${added.number} to the ${added.list} list`);
    form.reset();
    await attempt(reload);
  });
  return form;
}
