/**
 * Excel's serial day numbers. In the 1900 date system serial 1 is 1900-01-01 and serial 60 is the
 * 1900-02-29 that never was (Lotus 1-2-3's leap-year bug, kept by Excel), so from serial 61
 * (1900-03-01) on a serial counts from 1899-12-30. In the 1904 system serial 0 is 1904-01-01. Pure.
 */

const DAY_MS = 86_400_000;
/** Serial of 1970-01-01 in the 1900 system. */
const UNIX_EPOCH_SERIAL = 25_569;
const DATE_1904_OFFSET = 1_462;
/** 9999-12-31, Excel's last day. */
const MAX_SERIAL = 2_958_465;

export interface SerialParts {
  /** ISO date; '' for serial 0 of the 1900 system (a time of day alone); '1900-02-29' for serial 60. */
  readonly date: string;
  /** HH:MM:SS, rounded to the second. */
  readonly time: string;
}

/** Date and time of a serial (negative, past 9999-12-31 or not finite: undefined). */
export function excelSerialParts(serial: number, date1904 = false): SerialParts | undefined {
  if (!Number.isFinite(serial) || serial < 0 || serial >= MAX_SERIAL + 1) return undefined;
  let seconds = Math.round(serial * 86_400);
  let days = Math.floor(seconds / 86_400);
  seconds -= days * 86_400;
  const time = new Date(seconds * 1000).toISOString().slice(11, 19);
  if (date1904) days += DATE_1904_OFFSET;
  else {
    if (days === 0) return { date: '', time };
    if (days === 60) return { date: '1900-02-29', time };
    if (days < 60) days += 1;
  }
  return { date: new Date((days - UNIX_EPOCH_SERIAL) * DAY_MS).toISOString().slice(0, 10), time };
}

/** The 1900-system serial of an ISO date (for tests and writers). */
export function isoToExcelSerial(iso: string): number {
  const days = Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY_MS + UNIX_EPOCH_SERIAL;
  return days < 61 ? days - 1 : days;
}
