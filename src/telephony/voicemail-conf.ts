/**
 * Mailbox PINs from Asterisk's voicemail.conf (`1001 => 4321,Full Name,email,...` under a
 * `[context]`). A leading `-` (the user may not change it) is not part of the PIN.
 */
export function voicemailPins(text: string): Map<string, string> {
  const pins = new Map<string, string>();
  let context = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/;.*$/, '').trim();
    const section = /^\[([^\]]+)\]/.exec(line);
    if (section) {
      context = (section[1] as string).trim();
      continue;
    }
    const m = /^([^=\s]+)\s*=>?\s*(-?)([^,\s]*)/.exec(line);
    if (!m || !context || context === 'general' || context === 'zonemessages') continue;
    if (!line.includes('=>')) continue;
    pins.set(`${m[1]}@${context}`, m[3] as string);
  }
  return pins;
}
