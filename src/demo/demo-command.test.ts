import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommanderError, type Command } from 'commander';
import { demoCommand } from '../cli/commands/demo.command.ts';

const root = mkdtempSync(join(tmpdir(), 'populus-demo-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Runs `demo …` with output captured and exits turned into CommanderErrors. */
async function run(args: string[]): Promise<{ stdout: string; stderr: string; error?: CommanderError }> {
  const demo = demoCommand();
  let stderr = '';
  const capture = (c: Command): void => {
    c.exitOverride();
    c.configureOutput({ writeErr: (s) => (stderr += s), writeOut: () => undefined });
    c.commands.forEach(capture);
  };
  capture(demo);
  const log = console.log;
  const write = process.stderr.write.bind(process.stderr);
  let stdout = '';
  console.log = (...parts: unknown[]) => {
    stdout += `${parts.join(' ')}\n`;
  };
  process.stderr.write = ((chunk: string) => {
    stderr += chunk;
    return true;
  }) as typeof process.stderr.write;
  try {
    await demo.parseAsync(args, { from: 'user' });
    return { stdout, stderr };
  } catch (e) {
    if (e instanceof CommanderError) return { stdout, stderr, error: e };
    throw e;
  } finally {
    console.log = log;
    process.stderr.write = write;
  }
}

describe('populus demo generate', () => {
  test('writes the street and prints progress and a summary', async () => {
    const out = join(root, 'street');
    const r = await run(['generate', '--seed', '5', '--out', out, '--scale', '0.005', '--noise', '0']);
    assert.equal(r.error, undefined);
    assert.ok(existsSync(join(out, 'manifest.json')));
    assert.match(r.stdout, /人在户在 47\.\d%/);
    assert.match(r.stderr, /rows\/s/);
  });

  test('a bad --scale is one clear line and exit code 1', async () => {
    const r = await run(['generate', '--seed', '5', '--out', join(root, 'x'), '--scale', 'many']);
    assert.equal(r.error?.exitCode, 1);
    assert.match(r.stderr, /--scale must be a positive number/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  test('an unwritable output folder is one clear line and exit code 1', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'not a folder');
    const r = await run(['generate', '--seed', '5', '--out', join(file, 'demo'), '--scale', '0.005']);
    assert.equal(r.error?.exitCode, 1);
    assert.match(r.stderr, /^error: cannot write to .*a-file\/demo: ENOTDIR\n$/);
  });
});
