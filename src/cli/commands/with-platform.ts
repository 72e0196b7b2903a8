/** Runs a command against the configured database (migrated first), closing it afterwards. */
import { loadConfig } from '../../config.ts';
import { openPlatform, type Platform } from '../../main.ts';

export async function withPlatform<T>(databaseUrl: string | undefined, work: (platform: Platform) => Promise<T>): Promise<T> {
  const platform = await openPlatform(loadConfig(process.env, { databaseUrl }));
  try {
    return await work(platform);
  } finally {
    await platform.close();
  }
}

/** Prints rows as aligned columns. */
export function printRows(rows: readonly (readonly (string | number | null)[])[]): void {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, displayWidth(String(c ?? '')))));
  for (const r of rows) console.log(r.map((c, i) => pad(String(c ?? ''), widths[i] ?? 0)).join('  ').trimEnd());
}

/** CJK characters take two columns in a terminal. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

function pad(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}
