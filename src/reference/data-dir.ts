/** Where the shipped reference data lives: the repository's data/ folder, found from this file so any cwd works. */
import { fileURLToPath } from 'node:url';

export function defaultDataDir(): string {
  return fileURLToPath(new URL('../../data/', import.meta.url));
}
