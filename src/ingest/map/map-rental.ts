/**
 * The rental registration a row states through its profile's `rental` columns
 * (src/domain/ingest/rental-target.ts), checked: a registration needs its number and first day;
 * dates are calendar dates (YYYY-MM-DD, after the column's transforms) and the last day is not
 * before the first. A row that fails is rejected with the column and a stable reason, as any
 * other. The dwelling is the one the row's actual address resolved to.
 */
import type { ColumnMapping } from '../../domain/ingest/profile.ts';
import type { RentalPart } from '../../domain/ingest/rental-target.ts';
import type { RentalFacts } from '../../domain/registry/rental.ts';
import { isIsoDate } from '../../domain/dates.ts';

export type MappedRental = RentalFacts;

export interface RentalRejection {
  readonly column: string | null;
  readonly value: string | null;
  readonly reason: string;
  readonly message: string;
}

/** The cells of one row's rental columns, as mapped so far (transformed, non-empty ones only). */
export class RentalCells {
  private readonly values = new Map<RentalPart, { column: string; value: string }>();

  set(part: RentalPart, column: string, value: string): void {
    this.values.set(part, { column, value });
  }

  /**
   * The registration, null when the row states none (every rental cell empty), or its rejections.
   * @param columns the profile's columns (to name a missing one)
   */
  facts(
    columns: readonly ColumnMapping[],
    cells: Readonly<Record<string, string>>,
    dwellingId: string | null,
  ): { ok: true; rental: MappedRental | null } | { ok: false; rejections: RentalRejection[] } {
    const header = (part: RentalPart): string | null => columns.find((c) => 'rental' in c.target && c.target.rental === part)?.column ?? null;
    // A cell its transform refused is rejected already, and is not missing.
    const written = (part: RentalPart): boolean => (cells[header(part) ?? ''] ?? '').trim() !== '';
    if (this.values.size === 0) return { ok: true, rental: null };
    const rejections: RentalRejection[] = [];
    const number = this.values.get('registrationNumber');
    const start = this.values.get('startDate');
    const end = this.values.get('endDate');
    for (const [part, value, what] of [['registrationNumber', number, 'number'], ['startDate', start, 'first day']] as const) {
      if (value || written(part)) continue;
      const column = header(part);
      rejections.push({ column, value: null, reason: 'MISSING_VALUE', message: `${column ?? part}: a rental registration needs its ${what}` });
    }
    for (const d of [start, end]) {
      if (d && !isIsoDate(d.value)) rejections.push({ column: d.column, value: d.value, reason: 'BAD_DATE', message: `${d.column}: a date is written YYYY-MM-DD and must exist in the calendar` });
    }
    if (rejections.length === 0 && start && end && end.value < start.value) {
      rejections.push({ column: end.column, value: end.value, reason: 'BAD_PERIOD', message: `${end.column} (${end.value}) is before ${start.column} (${start.value})` });
    }
    if (rejections.length > 0 || !number || !start) return { ok: false, rejections };
    return {
      ok: true,
      rental: { registrationNumber: number.value, landlordName: this.values.get('landlordName')?.value ?? null, startDate: start.value, endDate: end?.value ?? null, dwellingId },
    };
  }
}
