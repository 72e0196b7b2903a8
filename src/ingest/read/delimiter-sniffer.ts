/**
 * Guesses a CSV file's field delimiter from a sample of its text: the candidate (comma, tab,
 * semicolon, vertical bar) that occurs the same non-zero number of times, outside quotes, on the most
 * lines. Title lines above the header contain none and do not count against it. Pure.
 */
export const DELIMITERS = [',', '\t', ';', '|'] as const;

const SAMPLE_LINES = 50;

/** Occurrences of each candidate on one line, outside double quotes. */
function countOutsideQuotes(line: string): number[] {
  const counts = DELIMITERS.map(() => 0);
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line.charAt(i);
    if (ch === '"') quoted = !quoted;
    else if (!quoted) {
      const k = DELIMITERS.indexOf(ch as (typeof DELIMITERS)[number]);
      if (k >= 0) counts[k] = (counts[k] ?? 0) + 1;
    }
  }
  return counts;
}

/** The delimiter of the sample (complete lines from the start of the file); ',' when none shows. */
export function sniffDelimiter(sample: string): string {
  const lines = sample
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(0, SAMPLE_LINES);
  const counts = lines.map(countOutsideQuotes);
  let best: { delimiter: string; lines: number; fields: number } = { delimiter: ',', lines: 0, fields: 0 };
  DELIMITERS.forEach((delimiter, k) => {
    const frequency = new Map<number, number>();
    for (const line of counts) {
      const n = line[k] ?? 0;
      if (n > 0) frequency.set(n, (frequency.get(n) ?? 0) + 1);
    }
    for (const [fields, count] of frequency) {
      if (count > best.lines || (count === best.lines && fields > best.fields)) best = { delimiter, lines: count, fields };
    }
  });
  return best.delimiter;
}
