/**
 * Drafting the `rental` target: headers departments use for a rental registration's parts (the
 * actual-population system's 房东姓名, 租赁登记号, 租赁起始日期, 租赁截止日期 and their usual
 * variants). Proposed only together: a draft whose rental columns would not pass the profile check
 * (no number, no first day, no actual address) leaves them unmapped and says why.
 */
import type { ColumnMapping, ColumnTarget } from '../../domain/ingest/profile.ts';
import { checkRentalColumns, type RentalPart } from '../../domain/ingest/rental-target.ts';

const HEADERS: Readonly<Record<RentalPart, readonly string[]>> = {
  registrationNumber: ['租赁登记号', '租赁登记编号', '租赁备案号', '租赁合同登记号', '房屋租赁登记号'],
  landlordName: ['房东姓名', '房东', '出租人', '出租人姓名', '业主姓名'],
  startDate: ['租赁起始日期', '租赁开始日期', '起租日期', '租期起始日期', '租赁起始'],
  endDate: ['租赁截止日期', '租赁结束日期', '租赁到期日期', '租期截止日期', '租赁截止'],
};
const WHY: Readonly<Record<RentalPart, string>> = {
  registrationNumber: 'the rental registration number (租赁登记号)',
  landlordName: 'the landlord (房东)',
  startDate: 'the first day of the rental period',
  endDate: 'the last day of the rental period',
};

/** The rental part a header names, when it clearly names one (score ≥ 0.75). */
export function rentalTarget(header: string, score: (header: string, names: readonly string[]) => number): { target: ColumnTarget; confidence: number; why: string; transforms: string[] } | undefined {
  let top: { part: RentalPart; score: number } | undefined;
  for (const [part, names] of Object.entries(HEADERS) as [RentalPart, readonly string[]][]) {
    const s = score(header, names);
    if (!top || s > top.score) top = { part, score: s };
  }
  if (!top || top.score < 0.75) return undefined;
  return {
    target: { rental: top.part },
    confidence: top.score,
    why: `header names ${WHY[top.part]}`,
    transforms: top.part === 'startDate' || top.part === 'endDate' ? ['date'] : ['halfWidth'],
  };
}

/** Why the drafted rental columns cannot be kept, or undefined when they can (or there are none). */
export function incompleteRental(mapped: readonly ColumnMapping[]): string | undefined {
  const problems = checkRentalColumns(mapped);
  return problems.length === 0 ? undefined : `rental columns left unmapped: ${problems.map((p) => p.message).join('; ')}`;
}
