import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, redactUrl } from './config.ts';
import { isPopulusError } from './domain/errors.ts';

test('defaults: embedded SQLite, port 8080, the Xinhua Road street', () => {
  const c = loadConfig({});
  assert.equal(c.databaseUrl, 'sqlite:./data/populus.db');
  assert.equal(c.port, 8080);
  assert.equal(c.homeArea, '310105004');
  assert.equal(c.heapGrowthPercent, 100);
  assert.equal(c.checkpointMiB, 64);
  assert.equal(loadConfig({ POPULUS_CHECKPOINT_MIB: '0' }).checkpointMiB, 0);
  assert.ok(Object.isFrozen(c));
});

test('options override the environment', () => {
  const c = loadConfig({ PORT: '9000', DATABASE_URL: 'postgres://u@h/db' }, { port: '9100' });
  assert.equal(c.port, 9100);
  assert.equal(c.databaseUrl, 'postgres://u@h/db');
});

test('bad settings are named, and a password is never shown', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: '70000' }, /PORT="70000"/],
    [{ DATABASE_URL: 'mysql://root:hunter2@h/db' }, /DATABASE_URL="mysql:\/\/root:\*\*\*@h\/db"/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL="loud"/],
    [{ POPULUS_HOME_AREA: '3101' }, /POPULUS_HOME_AREA/],
    [{ POPULUS_HEAP_GROWTH_PERCENT: '500' }, /POPULUS_HEAP_GROWTH_PERCENT="500"/],
    [{ POPULUS_HEAP_GROWTH_PERCENT: 'half' }, /POPULUS_HEAP_GROWTH_PERCENT="half"/],
    [{ POPULUS_CHECKPOINT_MIB: '-1' }, /POPULUS_CHECKPOINT_MIB="-1"/],
  ];
  for (const [env, message] of cases) {
    assert.throws(
      () => loadConfig(env),
      (e: unknown) => isPopulusError(e) && e.code === 'CONFIG_INVALID' && message.test(e.message) && !e.message.includes('hunter2'),
    );
  }
  assert.equal(redactUrl('postgres://me:pw@db:5432/x'), 'postgres://me:***@db:5432/x');
});
