/**
 * `populus user …`: console users and the API tokens of department systems. Passwords are read
 * from the terminal without echo, or from stdin with --password-stdin (never from the command
 * line, where other users and the shell history could see them). A token is printed once.
 */
import { createInterface } from 'node:readline';
import { Command, Option } from 'commander';
import { PopulusError } from '../../domain/errors.ts';
import type { AccessServices } from '../../access/access-services.ts';
import { ROLES, type Role, type User } from '../../access/principal.ts';
import type { Platform } from '../../main.ts';
import { printRows, withPlatform } from './with-platform.ts';

const db = new Option('--database <url>', 'sqlite:PATH or postgres://… (default DATABASE_URL)');
const collect = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(',').map((s) => s.trim()).filter((s) => s !== '')];

function withAccess<T>(database: string | undefined, work: (access: AccessServices, platform: Platform) => Promise<T>): Promise<T> {
  return withPlatform(database, (platform) => work(platform.access, platform));
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Asks on the terminal without echoing what is typed. */
function askHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    const muted = rl as unknown as { _writeToOutput: (s: string) => void };
    let asked = false;
    muted._writeToOutput = (s: string) => {
      if (!asked) {
        process.stdout.write(s);
        asked = true;
      }
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
  });
}

/** Where passwords come from: the process's stdin, or a stream a test passes in. */
export interface PasswordInput {
  readonly stream: NodeJS.ReadableStream;
  readonly isTTY: boolean;
}

const processInput = (): PasswordInput => ({ stream: process.stdin, isTTY: process.stdin.isTTY === true });

/** The password from stdin (--password-stdin or a pipe: the first line) or, on a terminal, typed twice. */
export async function readPassword(fromStdin: boolean, input: PasswordInput = processInput()): Promise<string> {
  if (fromStdin || !input.isTTY) {
    const text = await readAll(input.stream);
    const line = fromStdin ? text.replace(/\r?\n$/, '') : (text.split(/\r?\n/)[0] ?? '');
    if (line === '') throw new PopulusError('WEAK_PASSWORD', 'no password on stdin', { problems: ['empty'] });
    return line;
  }
  const first = await askHidden('Password: ');
  const again = await askHidden('Repeat the password: ');
  if (first !== again) throw new PopulusError('VALIDATION_FAILED', 'the two passwords differ; nothing was changed');
  return first;
}

async function userByName(access: AccessServices, username: string): Promise<User> {
  const u = await access.identity.findUserByUsername(username);
  if (!u) throw new PopulusError('USER_NOT_FOUND', `no user ${username}`, { user: username });
  return u;
}

export function userCommand(input: () => PasswordInput = processInput): Command {
  const cmd = new Command('user').description('console users and the API tokens of department systems');

  cmd
    .command('add')
    .description('add a console user (the password is asked for, or read from stdin)')
    .argument('<username>')
    .addOption(new Option('--role <role>', 'the role').choices([...ROLES]).makeOptionMandatory())
    .option('--name <display name>', 'the name shown in the console (default: the username)')
    .option('--department <id>', 'the department the user works for (department officers need one)')
    .option('--area <code>', 'area code(s) the user is limited to: a street (9 digits) for street admins, a committee (12) for committee workers; repeat or comma-separate', collect)
    .option('--building <id>', 'building id(s) a collector is assigned to; repeat or comma-separate', collect)
    .option('--person <id>', 'a resident account’s own person id')
    .option('--password-stdin', 'read the password from stdin (everything up to the final newline)')
    .addOption(db)
    .action(async (username: string, o: { role: Role; name?: string; department?: string; area?: string[]; building?: string[]; person?: string; passwordStdin?: boolean; database?: string }) => {
      const password = await readPassword(o.passwordStdin === true, input());
      await withAccess(o.database, async (access) => {
        const u = await access.identity.createUser({
          username,
          displayName: o.name ?? username,
          password,
          role: o.role,
          departmentId: o.department ?? null,
          areaCodes: o.area ?? [],
          buildingIds: o.building ?? [],
          personId: o.person ?? null,
        });
        console.log(`user ${u.username} added: ${u.role}${u.departmentId ? ` of ${u.departmentId}` : ''}${u.areaCodes.length > 0 ? ` in ${u.areaCodes.join(', ')}` : ''} (id ${u.id})`);
      });
    });

  cmd
    .command('list')
    .description('list console users')
    .addOption(db)
    .action((o: { database?: string }) =>
      withAccess(o.database, async (access) => {
        const users = await access.identity.listUsers();
        printRows([['username', 'name', 'role', 'department', 'areas', 'status', '2FA'], ...users.map((u) => [u.username, u.displayName, u.role, u.departmentId ?? '-', u.areaCodes.join(' ') || '-', u.status, u.totpEnabled ? 'on' : 'off'])]);
      }),
    );

  cmd
    .command('password')
    .description('set a user’s password (their sessions end)')
    .argument('<username>')
    .option('--password-stdin', 'read the password from stdin')
    .addOption(db)
    .action(async (username: string, o: { passwordStdin?: boolean; database?: string }) => {
      const password = await readPassword(o.passwordStdin === true, input());
      await withAccess(o.database, async (access) => {
        await access.identity.setPassword((await userByName(access, username)).id, password);
        console.log(`password of ${username} changed; their sessions have ended`);
      });
    });

  for (const [name, description, verb] of [
    ['disable', 'disable a user (their sessions end)', 'disabled'],
    ['enable', 'enable a disabled user', 'enabled'],
    ['unlock', 'lift a login lockout before it runs out', 'unlocked'],
    ['reset-2fa', 'turn off a user’s second factor (a lost phone); they can turn it on again after logging in', 'no longer has a second factor'],
  ] as const) {
    cmd
      .command(name)
      .description(description)
      .argument('<username>')
      .addOption(db)
      .action((username: string, o: { database?: string }) =>
        withAccess(o.database, async (access) => {
          const u = await userByName(access, username);
          if (name === 'disable') await access.identity.disableUser(u.id);
          else if (name === 'enable') await access.identity.enableUser(u.id);
          else if (name === 'reset-2fa') await access.identity.disableTotp(u.id);
          else await access.identity.unlockUser(u.id);
          console.log(`${username} ${verb}`);
        }),
      );
  }

  cmd
    .command('token')
    .description('issue an API token for a department system; it is printed once and cannot be shown again')
    .argument('<department>')
    .requiredOption('--purpose <code>', 'purpose(s) the token may state, within the department’s remit; repeat or comma-separate', collect)
    .option('--name <name>', 'what the token is for (default: "<department> system")')
    .addOption(db)
    .action((department: string, o: { purpose: string[]; name?: string; database?: string }) =>
      withAccess(o.database, async (access) => {
        const { token, record } = await access.identity.createToken({ departmentId: department, name: o.name ?? `${department} system`, purposes: o.purpose });
        console.log(token);
        console.error(`token ${record.id} for ${department} (${record.purposes.join(', ')}); store it now — only its hash is kept`);
      }),
    );

  cmd
    .command('tokens')
    .description('list API tokens (never the tokens themselves)')
    .argument('[department]')
    .addOption(db)
    .action((department: string | undefined, o: { database?: string }) =>
      withAccess(o.database, async (access) => {
        const tokens = await access.identity.listTokens(department);
        printRows([['id', 'department', 'name', 'purposes', 'created', 'last used', 'revoked'], ...tokens.map((t) => [t.id, t.departmentId, t.name, t.purposes.join(' '), t.createdAt, t.lastUsedAt ?? '-', t.revokedAt ?? '-'])]);
      }),
    );

  cmd
    .command('revoke-token')
    .description('revoke an API token at once')
    .argument('<token id>')
    .addOption(db)
    .action((id: string, o: { database?: string }) =>
      withAccess(o.database, async (access) => {
        await access.identity.revokeToken(id);
        console.log(`token ${id} revoked`);
      }),
    );

  return cmd;
}
