import type { Config } from '../../config/schema.js';
import { InvalidInputError } from '../../errors.js';
import { withAccounts } from './admin.js';

/** `doorman token create NAME | revoke NAME | list` */
export async function cmdToken(config: Config, [action, name]: string[]): Promise<void> {
  await withAccounts(config, async (a) => {
    if (action === 'list') {
      for (const t of await a.tokens()) console.log(`${t.name}  ${t.id}  created ${t.created_at}`);
      return;
    }
    if ((action !== 'create' && action !== 'revoke') || !name)
      throw new InvalidInputError('USAGE', 'token needs create NAME, revoke NAME or list');
    if (action === 'create') {
      const { token } = await a.createToken(name);
      console.error(`token "${name}" created; it is shown this once (send it as Authorization: Bearer ...):`);
      console.log(token);
      return;
    }
    const revoked = await a.revokeToken(name);
    console.log(revoked ? `revoked "${name}"` : `no token named "${name}"`);
    process.exitCode = revoked ? 0 : 1;
  });
}
