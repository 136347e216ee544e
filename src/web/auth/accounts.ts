import { InvalidInputError } from '../../errors.js';
import type { SessionRow, TokenInfo, WebAuthStore } from '../../store/web-auth.js';
import { dummyHash, hashPassword, randomSecret, sha256, verifyPassword } from './secrets.js';

export const MIN_PASSWORD_LENGTH = 10;
const NAME = /^[A-Za-z0-9._@-]{1,64}$/;
const TOKEN_PREFIX = 'dm_';

export interface NewSession {
  /** Goes to the browser in the session cookie; only its hash is stored. */
  id: string;
  csrfToken: string;
  expiresAt: Date;
}

function checkName(what: string, name: string): string {
  if (!NAME.test(name))
    throw new InvalidInputError('BAD_NAME', `${what} must be 1-64 letters, digits, . _ @ or -`, { what });
  return name;
}

/** Admin passwords, browser sessions and API tokens: the rules, whoever asks (the CLI or the web server). */
export class Accounts {
  constructor(
    private readonly store: WebAuthStore,
    private readonly sessionTtlMs: number,
  ) {}

  async setPassword(username: string, password: string): Promise<void> {
    checkName('the user name', username);
    if (password.length < MIN_PASSWORD_LENGTH)
      throw new InvalidInputError(
        'WEAK_PASSWORD',
        `the password needs at least ${MIN_PASSWORD_LENGTH} characters`,
      );
    await this.store.setPasswordHash(username, await hashPassword(password));
  }

  /** A new session when the password is right, else null (the same time either way). */
  async login(username: string, password: string, now = new Date()): Promise<NewSession | null> {
    const admin = NAME.test(username) ? await this.store.admin(username) : undefined;
    const ok = await verifyPassword(password, admin?.password_hash ?? (await dummyHash()));
    if (!admin || !ok) return null;
    const session = {
      id: randomSecret(),
      csrfToken: randomSecret(),
      expiresAt: new Date(now.getTime() + this.sessionTtlMs),
    };
    await this.store.removeExpiredSessions(now);
    await this.store.addSession({
      id_hash: sha256(session.id),
      username: admin.username,
      csrf_token: session.csrfToken,
      created_at: now.toISOString(),
      expires_at: session.expiresAt.toISOString(),
    });
    return session;
  }

  session(id: string, now = new Date()): Promise<SessionRow | undefined> {
    return this.store.session(sha256(id), now);
  }

  logout(id: string): Promise<void> {
    return this.store.removeSession(sha256(id));
  }

  /** Creates a token; the token itself is returned this once and never stored. */
  async createToken(name: string): Promise<{ token: string; info: TokenInfo }> {
    checkName('the token name', name);
    if (await this.store.tokenByName(name))
      throw new InvalidInputError('TOKEN_EXISTS', `a token named "${name}" exists; revoke it first`);
    const token = TOKEN_PREFIX + randomSecret();
    return { token, info: await this.store.addToken(name, sha256(token)) };
  }

  /** The token a bearer presents, if it is one of ours. */
  async tokenFor(token: string): Promise<TokenInfo | undefined> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return undefined;
    return this.store.tokenByHash(sha256(token));
  }

  tokens(): Promise<TokenInfo[]> {
    return this.store.tokens();
  }

  revokeToken(nameOrId: string): Promise<boolean> {
    return this.store.removeToken(nameOrId);
  }
}
