import type { DirectoryEntry } from '../../../match/directory.js';
import type { TryResult } from '../../routes/directory.js';
import type { Routing } from '../../routes/routing.js';
import { get, post, request } from '../api.js';
import { field, fill, h, select, table } from '../dom.js';
import type { Page } from '../page.js';
import { act, announce, attempt } from '../status.js';

const OUTCOMES: Record<TryResult['outcome'], string> = {
  match: 'Match: the call would go to',
  ambiguous: 'Ambiguous: the caller would be asked to choose between',
  nomatch: 'No match: the call would go to the unknown-caller destination',
  machine: 'Taken for a machine (too many words)',
  silence: 'Nothing to match',
};

function tryResult(r: TryResult): HTMLElement[] {
  const chosen = [r.entry ?? '', ...r.contenders].filter((id, i, all) => id && all.indexOf(id) === i);
  const names = chosen.map((id) => r.candidates.find((c) => c.id === id)?.name ?? id);
  return [
    h(
      'p',
      { class: `outcome ${r.outcome}` },
      OUTCOMES[r.outcome],
      names.length ? ` ${names.join(', ')}` : '',
    ),
    r.unexplained.length ? h('p', {}, 'Words not understood: ', r.unexplained.join(' ')) : null,
    table(
      'Candidates',
      [
        { label: 'Entry', cell: (c) => c.name },
        { label: 'Heard as', cell: (c) => c.heard },
        { label: 'Score', cell: (c) => c.score.toFixed(2), numeric: true },
      ],
      r.candidates,
    ),
  ].filter((e): e is HTMLElement => e !== null);
}

const list = (text: string) =>
  text
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** Add or change an entry; the recogniser hears the new name from the next call on. */
function entryForm(destinations: string[], saved: () => void, signal: AbortSignal) {
  const id = h('input', { name: 'id', required: true, pattern: '[a-z0-9][a-z0-9-]*', maxlength: 64 });
  const name = h('input', { name: 'name', required: true, maxlength: 200 });
  const type = select(['person', 'department'], 'person', { name: 'type' });
  const aliases = h('input', { name: 'aliases', maxlength: 1000 });
  const soundsLike = h('input', { name: 'sounds_like', maxlength: 1000 });
  const languages = h('input', { name: 'languages', maxlength: 200 });
  const destination = select(destinations, destinations[0] ?? '', { name: 'destination' });
  const voicemail = select([['', 'announce.voicemail'], ...destinations], '', { name: 'voicemail' });
  const announced = select([['', "the route's"], 'always', 'when-unsure', 'never'], '', { name: 'announce' });
  const enabled = h('input', { type: 'checkbox', name: 'enabled', checked: true });
  const form = h(
    'form',
    { class: 'inline' },
    field('Id', id, 'lower-case letters, digits and -, e.g. alice-johnson'),
    field('Name', name),
    field('Type', type),
    field('Also known as', aliases, 'comma-separated'),
    field('Sounds like', soundsLike, 'respellings of how callers say it, comma-separated'),
    field(
      'Languages',
      languages,
      'languages callers say the name in, beside English, comma-separated: vi, ga, pl, zh (pinyin)...',
    ),
    field('Destination', destination),
    field('Voicemail', voicemail, 'where an announced caller goes when this person presses 2'),
    field('Announce callers', announced, 'ring this person first, who takes or refuses the call by key'),
    field('Enabled', enabled),
    h('button', { type: 'submit' }, 'Save entry'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = await attempt(() =>
      request<{ result: string }>(
        'PUT',
        `/api/directory/entries/${encodeURIComponent(id.value)}`,
        {
          json: {
            type: type.value,
            name: name.value,
            aliases: list(aliases.value),
            sounds_like: list(soundsLike.value),
            languages: list(languages.value),
            destination: destination.value,
            ...(voicemail.value ? { voicemail: voicemail.value } : {}),
            ...(announced.value ? { announce: announced.value } : {}),
            enabled: enabled.checked,
          },
        },
        signal,
      ),
    );
    if (r) {
      announce(`${name.value}: ${r.result}; callers can ask for them now`);
      saved();
    }
  });
  const edit = (entry: DirectoryEntry) => {
    id.value = entry.id;
    name.value = entry.name;
    type.value = entry.type;
    aliases.value = entry.aliases.join(', ');
    soundsLike.value = entry.sounds_like.join(', ');
    languages.value = (entry.languages ?? []).join(', ');
    destination.value = entry.destination;
    voicemail.value = entry.voicemail ?? '';
    announced.value = entry.announce ?? '';
    enabled.checked = entry.enabled;
    name.focus();
  };
  return { form, edit };
}

function yamlImport(done: () => void, signal: AbortSignal): HTMLElement {
  const file = h('input', { type: 'file', accept: '.yaml,.yml,application/yaml', required: true });
  const form = h(
    'form',
    { class: 'inline' },
    field('Replace the directory with a YAML file', file),
    h('button', { type: 'submit' }, 'Import'),
    h('a', { href: '/api/directory/export', download: 'directory.yaml' }, 'Export as YAML'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return;
    const r = await attempt(async () =>
      request<{ entries: number }>('POST', '/api/directory/import', { yaml: await chosen.text() }, signal),
    );
    if (r) {
      announce(`${chosen.name}: ${r.entries} entries imported`);
      done();
    }
  });
  return form;
}

export const directoryPage: Page = {
  path: '/directory',
  title: 'Directory',
  async render(ctx) {
    const { main, signal } = ctx;
    const [{ items }, { destinations }] = await Promise.all([
      get<{ items: DirectoryEntry[] }>('/api/directory', signal),
      get<Routing>('/api/routing', signal),
    ]);
    const rerender = () => {
      fill(main, h('h1', {}, 'Directory'));
      void directoryPage.render(ctx);
    };
    const editor = entryForm(
      destinations.map((d) => d.name),
      rerender,
      signal,
    );
    const phrase = h('input', { name: 'phrase', maxlength: 1000, required: true });
    const result = h('div', { class: 'result', 'aria-live': 'polite' });
    const form = h(
      'form',
      { class: 'inline' },
      field('Phrase a caller might say', phrase, 'e.g. "I would like to speak to Alice"'),
      h('button', { type: 'submit' }, 'Try it'),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const r = await attempt(() => post<TryResult>('/api/directory/try', { text: phrase.value }, signal));
      if (r) fill(result, ...tryResult(r));
    });
    main.append(
      h('section', {}, h('h2', {}, 'Try it'), form, result),
      h(
        'section',
        {},
        h('h2', {}, 'Entries'),
        table(
          'Directory entries',
          [
            { label: 'Name', cell: (e) => e.name },
            { label: 'Type', cell: (e) => e.type },
            { label: 'Also known as', cell: (e) => e.aliases.join(', ') },
            { label: 'Sounds like', cell: (e) => e.sounds_like.join(', ') },
            { label: 'Destination', cell: (e) => e.destination },
            { label: 'Enabled', cell: (e) => (e.enabled ? 'yes' : 'no') },
            {
              label: 'Actions',
              cell: (e) =>
                h(
                  'span',
                  {},
                  h(
                    'button',
                    { type: 'button', 'aria-label': `Edit ${e.name}`, onclick: () => editor.edit(e) },
                    'Edit',
                  ),
                  ' ',
                  h(
                    'button',
                    {
                      type: 'button',
                      'aria-label': `Remove ${e.name}`,
                      onclick: async () => {
                        if (
                          await act(() =>
                            request('DELETE', `/api/directory/entries/${encodeURIComponent(e.id)}`),
                          )
                        ) {
                          announce(`${e.name} removed`);
                          rerender();
                        }
                      },
                    },
                    'Remove',
                  ),
                ),
            },
          ],
          items,
        ),
      ),
      h('section', {}, h('h2', {}, 'Add or change an entry'), editor.form),
      h('section', {}, h('h2', {}, 'Import and export'), yamlImport(rerender, signal)),
    );
  },
};
