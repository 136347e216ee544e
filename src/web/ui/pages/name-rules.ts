import type { NameRuleView } from '../../routes/name-rules.js';
import { ApiError, get, post, request } from '../api.js';
import { field, fill, h, select, table } from '../dom.js';
import { act, announce, attempt, errorText } from '../status.js';

/** Caller-ID name rules: list, add (the API's validation error shown at the field), remove. */
export async function nameRulesSection(signal: AbortSignal): Promise<HTMLElement> {
  const list = h('div');
  const load = async () => {
    const { items } = await get<{ items: NameRuleView[] }>('/api/name-rules', signal);
    fill(
      list,
      table(
        'Name rules',
        [
          { label: 'Kind', cell: (r) => r.kind },
          { label: 'Pattern', cell: (r) => h('code', {}, r.pattern) },
          { label: 'List', cell: (r) => (r.list === 'allow' ? 'lets in' : 'blocks') },
          { label: 'Destination', cell: (r) => r.destination ?? "the route's" },
          {
            label: 'Actions',
            cell: (r) =>
              h(
                'button',
                {
                  type: 'button',
                  'aria-label': `Remove rule ${r.pattern}`,
                  onclick: async () => {
                    if (!(await act(() => request('DELETE', `/api/name-rules/${r.id}`)))) return;
                    announce(`Removed rule ${r.pattern}`);
                    await attempt(load);
                  },
                },
                'Remove',
              ),
          },
        ],
        items,
      ),
    );
  };

  const kind = select(['exact', 'regex'], 'exact', { name: 'kind' });
  const pattern = h('input', { name: 'pattern', maxlength: 255, required: true });
  const error = h('p', { class: 'error', id: 'name-rule-error', role: 'alert' });
  const form = h(
    'form',
    { class: 'inline' },
    field('Kind', kind),
    field('Caller name or pattern', pattern, 'exact: case, spaces and punctuation ignored'),
    h('button', { type: 'submit' }, 'Add rule'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    pattern.removeAttribute('aria-invalid');
    try {
      await post('/api/name-rules', { kind: kind.value, pattern: pattern.value }, signal);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 400) return announce(errorText(err), 'error');
      error.textContent = err.message;
      pattern.setAttribute('aria-invalid', 'true');
      pattern.setAttribute('aria-errormessage', error.id);
      return pattern.focus();
    }
    announce(`Added ${kind.value} rule ${pattern.value}`);
    pattern.value = '';
    await attempt(load);
  });
  await load();
  return h(
    'section',
    {},
    h('h2', {}, 'Name rules'),
    h('p', { class: 'hint' }, 'Calls whose caller-ID name matches a rule are blocked.'),
    form,
    error,
    list,
  );
}
