/** How a caller's key presses make one entry (a PIN). */
export interface DigitEntryRules {
  /** Digits that complete the entry; 0: the caller ends it with `#`. */
  length: number;
  /** From the end of the prompt to the first key. */
  firstDigitMs: number;
  /** Between keys; an entry with digits that pauses this long is taken as typed. */
  interDigitMs: number;
  /** The whole entry, from the end of the prompt. */
  totalMs: number;
}

export type EntryEnd = 'length' | 'terminator' | 'inter-digit-timeout' | 'total-timeout' | 'no-input';

export interface Entry {
  digits: string;
  end: EntryEnd;
}

const MAX_DIGITS = 32;

/**
 * One entry of digits, fed key by key. Keys pressed while the prompt still plays count (callers
 * who know their PIN type over it); the timers start when the prompt has ended (`start()`).
 */
export class DigitEntry {
  private digits = '';
  private timer: NodeJS.Timeout | undefined;
  private totalTimer: NodeJS.Timeout | undefined;
  private started = false;
  private settle!: (e: Entry) => void;
  private firstKey!: () => void;
  private over = false;
  /** The caller's entry, once complete. */
  readonly result: Promise<Entry>;
  /** Resolves at the first key press (to cut the prompt short). */
  readonly firstKeyPressed: Promise<void>;

  constructor(private readonly rules: DigitEntryRules) {
    this.result = new Promise((resolve) => {
      this.settle = resolve;
    });
    this.firstKeyPressed = new Promise((resolve) => {
      this.firstKey = resolve;
    });
  }

  /** A key press: 0-9, *, # (anything else is ignored). */
  push(key: string): void {
    if (this.over || !/^[0-9*#]$/.test(key)) return;
    this.firstKey();
    if (key === '#') {
      this.finish('terminator');
      return;
    }
    if (this.digits.length < MAX_DIGITS) this.digits += key;
    if (this.rules.length > 0 && this.digits.length >= this.rules.length) this.finish('length');
    else if (this.started) this.arm(this.rules.interDigitMs);
  }

  /** The prompt is over: from now on silence counts. */
  start(): void {
    if (this.over || this.started) return;
    this.started = true;
    this.arm(this.digits ? this.rules.interDigitMs : this.rules.firstDigitMs);
    this.totalTimer = setTimeout(() => this.finish('total-timeout'), this.rules.totalMs);
  }

  /** Ends the entry without a result (the caller hung up). */
  cancel(): void {
    this.finish('no-input');
  }

  private arm(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.finish('inter-digit-timeout'), ms);
  }

  private finish(end: EntryEnd): void {
    if (this.over) return;
    this.over = true;
    clearTimeout(this.timer);
    clearTimeout(this.totalTimer);
    this.settle({ digits: this.digits, end: this.digits ? end : 'no-input' });
  }
}
