/**
 * A data folder for tests: the shipped one (src/reference/data-dir.ts), linked file by file, but
 * with its remit file (catalogue/remits.json) edited — e.g. a role or department granted the
 * unmasking of names for one purpose. Removed with the test's temporary folder.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultDataDir } from '../../src/reference/data-dir.ts';

/** The remit file as tests edit it: roles' and departments' grants. */
export interface RemitsFile {
  roles: { role: string; grants: { purposes: string[]; unmask?: string[] }[] }[];
  departments: { departmentId: string; grants: { purposes: string[]; unmask?: string[] }[] }[];
}

/** The shipped data folder with `edit` applied to a copy of its remit file. */
export function dataDirWithRemits(edit: (remits: RemitsFile) => void): string {
  const shipped = defaultDataDir();
  const dir = mkdtempSync(join(tmpdir(), 'populus-remit-'));
  for (const e of readdirSync(shipped)) if (e !== 'catalogue') symlinkSync(join(shipped, e), join(dir, e));
  mkdirSync(join(dir, 'catalogue'));
  for (const f of readdirSync(join(shipped, 'catalogue'))) if (f !== 'remits.json') symlinkSync(join(shipped, 'catalogue', f), join(dir, 'catalogue', f));
  const remits = JSON.parse(readFileSync(join(shipped, 'catalogue', 'remits.json'), 'utf8')) as RemitsFile;
  edit(remits);
  writeFileSync(join(dir, 'catalogue', 'remits.json'), JSON.stringify(remits));
  return dir;
}

/** Adds unmasking of `element` to every grant for `purpose` in `grants`. */
export function unmaskIn(grants: readonly { purposes: string[]; unmask?: string[] }[] | undefined, purpose: string, element: string): void {
  for (const g of grants ?? []) if (g.purposes.includes(purpose)) g.unmask = [...(g.unmask ?? []), element];
}
