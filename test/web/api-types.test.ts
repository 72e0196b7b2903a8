/** The console's API types are the ones the OpenAPI document generates (run `npm run web:types` after changing a route). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { generateWebTypes, SCHEMA_FILE } from '../../scripts/web-types.ts';

test('web/src/api/schema.d.ts is generated from docs/openapi.json', async () => {
  const committed = await readFile(SCHEMA_FILE, 'utf8');
  const generated = await generateWebTypes();
  assert.ok(committed === generated, 'web/src/api/schema.d.ts differs from what docs/openapi.json generates: run `npm run openapi && npm run web:types`');
  assert.match(committed, /"\/api\/v1\/persons\/search"/, 'the person search is typed');
});
