/** A progress line on stderr: rows, rows/s and ETA; redrawn in place on a terminal, a line every few seconds otherwise. */
import type { ImportProgress } from '../../ingest/import.service.ts';

const PHASE_ZH: Record<ImportProgress['phase'], string> = { checking: '检查 checking', importing: '导入 importing', ending: '结束 ending', done: '完成 done' };

export function progressPrinter(label: string, stream: NodeJS.WriteStream = process.stderr): { update(p: ImportProgress): void; finish(): void } {
  const tty = stream.isTTY === true;
  let lastPrint = 0;
  let lastLine = '';
  return {
    update(p) {
      const now = Date.now();
      if (!tty && now - lastPrint < 3000 && p.phase !== 'done') return;
      lastPrint = now;
      const seconds = Math.max((now - p.startedAt) / 1000, 0.001);
      const rate = p.rowsDone / seconds;
      const share = p.rowsTotal ? p.rowsDone / p.rowsTotal : p.totalBytes ? p.bytesRead / p.totalBytes : 0;
      const width = 24;
      const filled = Math.round(Math.min(1, share) * width);
      const eta = p.rowsTotal && rate > 0 ? ` ETA ${Math.max(0, Math.round((p.rowsTotal - p.rowsDone) / rate))}s` : '';
      const total = p.rowsTotal ? `/${p.rowsTotal.toLocaleString('en-US')}` : '';
      lastLine = `${label} ${PHASE_ZH[p.phase]} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(share * 100)}% ${p.rowsDone.toLocaleString('en-US')}${total} rows ${Math.round(rate).toLocaleString('en-US')} rows/s${eta}`;
      stream.write(tty ? `\r${lastLine}\u001b[K` : `${lastLine}\n`);
    },
    finish() {
      if (tty && lastLine) stream.write('\n');
    },
  };
}
