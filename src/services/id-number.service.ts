/** Checking citizen ID numbers against GB 11643 and the GB/T 2260 history shipped with Populus. */
import { todayIso } from '../domain/dates.ts';
import { checkIdNumber, type AreaCodeHistory, type IdNumberVerdict } from '../domain/id-number.ts';

export class IdNumberService {
  constructor(private readonly areas: AreaCodeHistory) {}

  check(number: string, strict = false, today: string = todayIso()): IdNumberVerdict {
    return checkIdNumber(number, { areas: this.areas, today, strict });
  }
}
