/**
 * The `populus` command. Each command lives in src/cli/commands; failures print one clear line
 * (never a stack trace) and exit non-zero.
 */
import { Command, CommanderError } from 'commander';
import { isPopulusError } from '../domain/errors.ts';
import { serveCommand, migrateCommand } from './commands/serve.command.ts';
import { idCommand } from './commands/id.command.ts';
import { standardCommand } from './commands/standard.command.ts';
import { areaCommand } from './commands/area.command.ts';
import { importCommand } from './commands/import.command.ts';
import { sourceCommand } from './commands/source.command.ts';
import { housingCommand } from './commands/housing.command.ts';
import { demoCommand } from './commands/demo.command.ts';
import { userCommand } from './commands/user.command.ts';
import { auditCommand } from './commands/audit.command.ts';
import { matchCommand } from './commands/match.command.ts';
import { reviewCommand } from './commands/review.command.ts';
import { personsCommand } from './commands/persons.command.ts';
import { feedCommand } from './commands/feed.command.ts';
import { reportCommand } from './commands/report.command.ts';

export function program(): Command {
  return new Command('populus')
    .description('Populus (实有人口信息共享平台): one living, shared population record for a street and its departments')
    .version('0.1.0')
    .addCommand(serveCommand())
    .addCommand(migrateCommand())
    .addCommand(idCommand())
    .addCommand(standardCommand())
    .addCommand(areaCommand())
    .addCommand(demoCommand())
    .addCommand(housingCommand())
    .addCommand(sourceCommand())
    .addCommand(importCommand())
    .addCommand(matchCommand())
    .addCommand(reviewCommand())
    .addCommand(personsCommand())
    .addCommand(userCommand())
    .addCommand(auditCommand())
    .addCommand(feedCommand())
    .addCommand(reportCommand())
    .showHelpAfterError('(add --help for usage)');
}

export async function main(argv: readonly string[]): Promise<number> {
  const cli = program();
  cli.exitOverride();
  try {
    await cli.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (isPopulusError(e)) {
      console.error(`populus: ${e.message} [${e.code}]`);
      return 1;
    }
    console.error(`populus: ${(e as Error).message}`);
    return 1;
  }
}
