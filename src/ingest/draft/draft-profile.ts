/**
 * Drafting a mapping profile for a file nobody has mapped yet: each header is compared with the
 * catalogue's element names and the usual headers of department systems, each column's sample
 * values with the value types (ID numbers, dates, phones), and a coded column's distinct values
 * with the code table's names. What it cannot place is listed, never guessed silently. A person
 * reviews and edits the draft before storing it as the source's profile.
 */
import type { ColumnMapping, ColumnTarget, CodeMap, MappingProfile } from '../../domain/ingest/profile.ts';
import type { CodeEntry, DataElement } from '../../domain/standard/types.ts';
import { computeCheckChar } from '../../domain/id-number.ts';
import { incompleteRental, rentalTarget } from './draft-rental.ts';

/** Headers departments use for the same element (beyond the catalogue's own names). */
const SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  'person.name': ['姓名', '名字', '居民姓名', '人员姓名', '户主姓名', '党员姓名', '对象姓名'],
  'person.formerName': ['曾用名'],
  'person.sex': ['性别'],
  'person.birthDate': ['出生日期', '出生年月', '出生年月日', '生日', '出生时间'],
  'person.ethnicGroup': ['民族'],
  'person.nationality': ['国籍', '国家'],
  'person.maritalStatus': ['婚姻状况', '婚姻', '婚否'],
  'person.education': ['文化程度', '学历', '最高学历', '教育程度'],
  'person.employmentStatus': ['就业状况', '从业状况', '就业情况', '个人身份'],
  'person.occupation': ['职业', '工作单位', '职务'],
  'person.politicalStatus': ['政治面貌'],
  'person.religion': ['宗教信仰', '宗教'],
  'person.healthStatus': ['健康状况', '身体状况'],
  'person.disabilityCategory': ['残疾类别', '残疾类型'],
  'person.disabilityGrade': ['残疾等级'],
  'person.phone': ['联系电话', '电话', '手机', '手机号码', '联系方式'],
  'person.deathDate': ['死亡日期'],
  'person.latinName': ['英文姓名', '外文姓名'],
};
const CITIZEN_ID_HEADERS = ['身份证号', '身份证号码', '公民身份号码', '证件号码', '身份证'];
const REGISTERED_HEADERS = ['户籍地址', '户籍所在地', '户籍地', '户口所在地'];
const ACTUAL_HEADERS = ['现住址', '居住地址', '现居住地址', '实际居住地', '住址', '家庭住址'];

export interface DraftColumn {
  readonly column: string;
  readonly mapping: ColumnMapping | undefined;
  /** 0–1: how sure the draft is. */
  readonly confidence: number;
  readonly why: string;
}

export interface ProfileDraft {
  readonly profile: MappingProfile;
  readonly columns: readonly DraftColumn[];
  readonly unmappedColumns: readonly string[];
  /** Local values of coded columns that match no code, by code map id. */
  readonly unmappedValues: Readonly<Record<string, readonly string[]>>;
}

export interface DraftInput {
  readonly headers: readonly string[];
  /** Sample rows: header → raw text. */
  readonly samples: readonly Readonly<Record<string, string>>[];
  readonly elements: readonly DataElement[];
  /** Entries of every code table the coded elements use, by table id. */
  readonly codes: ReadonlyMap<string, readonly CodeEntry[]>;
  /** The node's street: actual addresses in a street's files are assumed to lie in it. */
  readonly homeArea: string;
}

function bigrams(s: string): Set<string> {
  const t = s.replace(/[\s()（）:：_\-*]/g, '').toLowerCase();
  const out = new Set<string>();
  if (t.length === 1) out.add(t);
  for (let i = 0; i < t.length - 1; i++) out.add(t.slice(i, i + 2));
  return out;
}

/** Dice coefficient on character bigrams: 1 for the same text, 0 for nothing in common. */
export function similarity(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  if (x.size === 0 || y.size === 0) return 0;
  let common = 0;
  for (const g of x) if (y.has(g)) common++;
  return (2 * common) / (x.size + y.size);
}

const isCitizenId = (v: string): boolean => /^\d{17}[\dXx]$/.test(v) && computeCheckChar(v.slice(0, 17)) === v.slice(17).toUpperCase();
const looksLikeDate = (v: string): boolean => /^(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|\d{8})$/.test(v);
const looksLikePhone = (v: string): boolean => /^(\+?86)?1[3-9]\d{9}$/.test(v.replace(/[\s-]/g, ''));

function best(header: string, names: readonly string[]): number {
  return names.reduce((m, n) => Math.max(m, n === header ? 1 : similarity(header, n)), 0);
}

export function draftProfile(input: DraftInput): ProfileDraft {
  const columns: DraftColumn[] = [];
  const codeMaps: Record<string, CodeMap> = {};
  const unmappedValues: Record<string, string[]> = {};
  const used = new Set<string>();

  for (const header of input.headers) {
    const values = input.samples.map((r) => (r[header] ?? '').trim()).filter((v) => v !== '');
    const share = (test: (v: string) => boolean): number => (values.length === 0 ? 0 : values.filter(test).length / values.length);

    let target: ColumnTarget | undefined;
    let confidence = 0;
    let why = '';
    const idScore = Math.max(best(header, CITIZEN_ID_HEADERS), share(isCitizenId));
    const rental = rentalTarget(header, best);
    if (rental && idScore < 0.6) {
      columns.push({ column: header, mapping: { column: header, target: rental.target, transforms: rental.transforms }, confidence: Math.round(rental.confidence * 100) / 100, why: rental.why });
      continue;
    }
    if (idScore >= 0.6) {
      target = { identifier: 'CN_ID' };
      confidence = idScore;
      why = share(isCitizenId) >= 0.6 ? 'values are valid citizen ID numbers' : 'header names an ID number';
    } else if (best(header, REGISTERED_HEADERS) >= 0.6) {
      target = { residence: 'registered', part: 'address' };
      confidence = best(header, REGISTERED_HEADERS);
      why = 'header names the registered address (its area is read from the address)';
    } else if (best(header, ACTUAL_HEADERS) >= 0.6) {
      target = { residence: 'actual', part: 'address', areaCode: input.homeArea };
      confidence = best(header, ACTUAL_HEADERS) * 0.9;
      why = `header names the actual residence (assumed inside ${input.homeArea})`;
    } else {
      let top: { element: DataElement; score: number } | undefined;
      for (const e of input.elements) {
        if (e.storage !== 'value' || used.has(e.id)) continue;
        const score = best(header, [e.nameZh, e.nameEn, ...(SYNONYMS[e.id] ?? [])]);
        if (!top || score > top.score) top = { element: e, score };
      }
      if (top && top.score >= 0.5) {
        target = { element: top.element.id };
        confidence = top.score;
        why = `header resembles ${top.element.nameZh} (${top.element.id})`;
      }
    }

    if (!target) {
      columns.push({ column: header, mapping: undefined, confidence: 0, why: 'no element resembles this header' });
      continue;
    }
    const transforms: string[] = [];
    let codeMap: string | undefined;
    if ('identifier' in target) transforms.push('idNumber');
    if ('element' in target) {
      used.add(target.element);
      const element = input.elements.find((e) => e.id === target.element);
      if (element?.valueType === 'date' || share(looksLikeDate) >= 0.8) transforms.push('date');
      if (element?.valueType === 'phone' || share(looksLikePhone) >= 0.8) transforms.push('phone');
      if (element?.valueType === 'string') transforms.push('halfWidth', 'simplified');
      if (element?.valueType === 'code' && element.codeTableId) {
        const entries = input.codes.get(element.codeTableId) ?? [];
        const map: Record<string, string> = {};
        const missing: string[] = [];
        for (const v of [...new Set(values)].sort()) {
          const hit = entries.find((e) => e.code === v || e.nameZh === v || e.nameEn?.toLowerCase() === v.toLowerCase());
          const near = hit ?? entries.map((e) => ({ e, s: Math.max(similarity(v, e.nameZh), e.nameZh.includes(v) || v.includes(e.nameZh) ? 0.7 : 0) })).sort((a, b) => b.s - a.s).find((x) => x.s >= 0.6)?.e;
          if (near) map[v] = near.code;
          else missing.push(v);
        }
        codeMap = element.id.replace(/^person\./, '');
        codeMaps[codeMap] = { table: element.codeTableId, map, passThrough: true };
        if (missing.length > 0) unmappedValues[codeMap] = missing;
      }
    }
    columns.push({
      column: header,
      mapping: { column: header, target, ...(transforms.length > 0 ? { transforms } : {}), ...(codeMap ? { codeMap } : {}) },
      confidence: Math.round(confidence * 100) / 100,
      why,
    });
  }

  // Rental columns are kept only when they make a whole registration the profile check accepts.
  const rentalProblem = incompleteRental(columns.flatMap((c) => (c.mapping ? [c.mapping] : [])));
  if (rentalProblem) {
    for (const [i, c] of columns.entries()) if (c.mapping && 'rental' in c.mapping.target) columns[i] = { column: c.column, mapping: undefined, confidence: 0, why: rentalProblem };
  }
  const mapped = columns.flatMap((c) => (c.mapping ? [c.mapping] : []));
  const keyColumn = mapped.find((m) => 'identifier' in m.target)?.column ?? mapped[0]?.column;
  return {
    profile: { extract: 'full', recordKey: keyColumn ? [keyColumn] : [], columns: mapped, codeMaps },
    columns,
    unmappedColumns: columns.filter((c) => !c.mapping).map((c) => c.column),
    unmappedValues,
  };
}
