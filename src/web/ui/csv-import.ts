import { request } from './api.js';
import { field, fill, h, table } from './dom.js';
import { attempt } from './status.js';

interface ImportReport {
  imported: number;
  rejected: Array<{ line: number; reason: string }>;
}

/**
 * A CSV file picker that uploads to `url()` and shows the result: how many rows went in and
 * every rejected row by line. `extra` are more controls for the form (e.g. a default list).
 */
export function csvImport(opts: {
  label: string;
  url: () => string;
  done: () => void;
  extra?: HTMLElement[];
}): HTMLElement {
  const file = h('input', { type: 'file', accept: '.csv,text/csv', required: true });
  const result = h('div', { class: 'result', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit' }, 'Import');
  const form = h('form', { class: 'inline' }, field(opts.label, file), ...(opts.extra ?? []), button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return;
    button.disabled = true;
    fill(result, h('progress', { 'aria-label': `Importing ${chosen.name}` }), ` Importing ${chosen.name}…`);
    const report = await attempt(async () =>
      request<ImportReport>('POST', opts.url(), { csv: await chosen.text() }),
    );
    button.disabled = false;
    if (!report) return fill(result, h('p', { class: 'error' }, `${chosen.name} was not imported.`));
    fill(
      result,
      h('p', {}, `${chosen.name}: ${report.imported} imported, ${report.rejected.length} rejected.`),
      report.rejected.length
        ? table(
            'Rejected rows',
            [
              { label: 'Line', cell: (r) => r.line, numeric: true },
              { label: 'Why', cell: (r) => r.reason },
            ],
            report.rejected,
          )
        : null,
    );
    opts.done();
  });
  return h('div', {}, form, result);
}
