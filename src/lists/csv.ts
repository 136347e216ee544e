/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. Yields [line number, fields]. Pure. */
export function* parseCsv(text: string): Generator<[number, string[]]> {
  let line = 1;
  let startLine = 1;
  let field = '';
  let row: string[] = [];
  let quoted = false;
  let i = 0;
  const t = text.replace(/^\uFEFF/, '');
  while (i < t.length) {
    const c = t[i] as string;
    if (quoted) {
      if (c === '"' && t[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else {
        // The run up to the next quote, in one piece (char-by-char concatenation builds ropes
        // that take many times the text's size in memory).
        let j = t.indexOf('"', i);
        if (j < 0) j = t.length;
        const run = t.slice(i, j);
        for (let k = run.indexOf('\n'); k >= 0; k = run.indexOf('\n', k + 1)) line++;
        field += run;
        i = j;
        continue;
      }
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && t[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f !== '')) yield [startLine, row];
      row = [];
      field = '';
      line++;
      startLine = line;
    } else {
      // An unquoted run up to the next separator, in one piece; a quote inside it is literal.
      let j = i + 1;
      while (j < t.length && t[j] !== ',' && t[j] !== '\n' && t[j] !== '\r') j++;
      field += t.slice(i, j);
      i = j;
      continue;
    }
    i++;
  }
  row.push(field);
  if (row.some((f) => f !== '')) yield [startLine, row];
}

/**
 * One CSV field, quoted when it must be, and defused against spreadsheet formula injection:
 * a value a spreadsheet would read as a formula gets a leading `'`, except a phone number
 * (`+` and digits, spaces and `()-.`: no letters, so no function to call), which stays
 * importable as it is.
 */
export function csvField(value: string | number | null | undefined): string {
  let s = value == null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s) && !/^\+[0-9][0-9 ().-]*$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
