import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import type { Config } from '../../config/schema.js';
import { InvalidInputError } from '../../errors.js';
import { Store } from '../../store/store.js';
import { WebAuthStore } from '../../store/web-auth.js';
import { Accounts } from '../../web/auth/accounts.js';

export const PASSWORD_ENV = 'DOORMAN_ADMIN_PASSWORD';

/** A password from the environment, piped stdin, or typed without echo; never from argv (ps shows argv). */
async function readPassword(): Promise<string> {
  const fromEnv = process.env[PASSWORD_ENV];
  if (fromEnv) return fromEnv;
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    return text.replace(/\r?\n$/, '');
  }
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = createInterface({ input: process.stdin, output: silent, terminal: true });
  process.stderr.write('New password: ');
  try {
    return await rl.question('');
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

/** Also used by `doorman token`: API tokens belong to the same web accounts. */
export async function withAccounts<T>(config: Config, run: (a: Accounts) => Promise<T>): Promise<T> {
  const store = await Store.open(config.store);
  try {
    return await run(new Accounts(new WebAuthStore(store), config.web.sessionHours * 3_600_000));
  } finally {
    await store.close();
  }
}

/** `doorman admin set-password [USER]` */
export async function cmdAdmin(config: Config, [action, user = 'admin']: string[]): Promise<void> {
  if (action !== 'set-password')
    throw new InvalidInputError(
      'USAGE',
      `admin needs set-password [USER] (password from ${PASSWORD_ENV} or stdin)`,
    );
  const password = await readPassword();
  await withAccounts(config, (a) => a.setPassword(user, password));
  console.log(`password set for "${user}" (their browser sessions were ended)`);
}
