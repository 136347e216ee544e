/**
 * Building the DOM without markup strings: text only ever becomes a Text node, so caller names,
 * transcripts and anything else from the API cannot become HTML or script.
 */

export type Child = Node | string | number | null | undefined | false;
type AttrValue = string | number | boolean | null | undefined;
export type Attrs = Record<string, AttrValue | ((e: Event) => void)>;

function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

function setAttrs(el: Element, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (k.startsWith('on')) throw new Error(`event handler ${k} must be a function`);
    else if (v === true) el.setAttribute(k, '');
    else if (v !== false && v !== null && v !== undefined) el.setAttribute(k, String(v));
  }
}

/** An HTML element; `onclick: fn` attaches a listener, other attributes are set as strings. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element, built the same way. */
export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/** Replaces an element's content. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

export interface Column<T> {
  label: string;
  cell: (row: T) => Child;
  /** Numbers align right. */
  numeric?: boolean;
}

/**
 * A table with a caption and header cells scoped to their columns, in a wrapper that scrolls
 * sideways when the columns are wider than the screen (words are never broken to fit).
 */
export function table<T>(
  caption: string,
  columns: Column<T>[],
  rows: readonly T[],
  empty = 'None.',
): Element {
  if (rows.length === 0) return h('p', { class: 'empty' }, `${caption}: ${empty}`);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', { scope: 'col' }, c.label)))),
      h(
        'tbody',
        {},
        ...rows.map((r) =>
          h('tr', {}, ...columns.map((c) => h('td', { class: c.numeric ? 'num' : null }, c.cell(r)))),
        ),
      ),
    ),
  );
}

let nextId = 0;

/** A labelled form control: the label is tied to the control by id, and so is the hint. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  control.id ||= `f${++nextId}`;
  const parts: Child[] = [h('label', { for: control.id }, label), control];
  if (hint) {
    const hintEl = h('small', { id: `${control.id}-hint`, class: 'hint' }, hint);
    control.setAttribute('aria-describedby', hintEl.id);
    parts.push(hintEl);
  }
  return h('div', { class: 'field' }, ...parts);
}

/** A `<select>` of values, the current one selected. */
export function select(
  options: ReadonlyArray<string | [value: string, label: string]>,
  current: string,
  attrs: Attrs = {},
): HTMLSelectElement {
  return h(
    'select',
    attrs,
    ...options.map((o) => {
      const [value, label] = typeof o === 'string' ? [o, o] : o;
      return h('option', { value, selected: value === current }, label);
    }),
  );
}
