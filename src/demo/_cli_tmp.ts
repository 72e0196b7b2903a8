import { demoCommand } from '../cli/commands/demo.command.ts';
const args = process.argv.slice(2);
await demoCommand().parseAsync(args, { from: 'user' });
