import { DoormanError } from '../../errors.js';

/**
 * Password hashing one at a time, with a short line: scrypt takes a thread of the pool that
 * file reads (recordings) and DNS share, so a flood of logins from many addresses must not
 * take them all. Past the line, an attempt is refused at once (`LOGIN_BUSY`) rather than queued.
 */
export class HashGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrent = 1,
    private readonly maxWaiting = 16,
  ) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrent) {
      if (this.waiting.length >= this.maxWaiting) {
        throw new DoormanError('LOGIN_BUSY', 'too many logins at once; try again in a moment');
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.running++;
    try {
      return await fn();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}
