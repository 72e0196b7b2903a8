/**
 * Runs `populus user …` and `populus audit …` as a child process would, before the lead
 * registers them in src/cli/main.ts: prepares the database (migrations, the access tables) and
 * hands argv to the two command factories. Used by cli.test.ts only.
 */
import { Command, CommanderError } from 'commander';
import type { Kysely } from 'kysely';
import { isPopulusError } from '../../src/domain/errors.ts';

import { migrations } from '../../src/store/migrate.ts';
import { access } from '../../src/store/migrations/0003-access.ts';
import { openStore } from '../../src/store/store.ts';
import { userCommand } from '../../src/cli/commands/user.command.ts';
import { auditCommand } from '../../src/cli/commands/audit.command.ts';

const url = process.env['DATABASE_URL'] ?? '';
const store = await openStore(url);
await store.migrate();
const exists = await store.db.introspection.getTables().then((ts) => ts.some((t) => t.name === 'app_user'));
if (!('0003-access' in migrations(store.dialect)) && !exists) await access(store.dialect).up(store.db as unknown as Kysely<unknown>);
await store.close();

const cli = new Command('populus').addCommand(userCommand()).addCommand(auditCommand()).exitOverride();
try {
  await cli.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = e.exitCode;
  else {
    console.error(`populus: ${(e as Error).message}${isPopulusError(e) ? ` [${e.code}]` : ''}`);
    process.exitCode = 1;
  }
}
