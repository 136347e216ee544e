/**
 * Text for a terminal: control characters (escape sequences can move the cursor, rewrite the
 * screen or set the window title), the C1 range and bidirectional overrides shown as `\xNN` /
 * `\u{NNNN}`; tab and newline kept. Only for a terminal: into a file or a pipe the CLI writes
 * the data as it is.
 */
export function forTerminal(text: string): string {
  return text.replace(/[^\P{Cc}\t\n]|[\u202a-\u202e\u2066-\u2069]/gu, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** Writes to stdout, made safe for a terminal when stdout is one. */
export function writeOut(text: string): void {
  process.stdout.write(process.stdout.isTTY ? forTerminal(text) : text);
}
