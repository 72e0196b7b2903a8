/**
 * Chinese postal addresses taken apart: administrative names (province, prefecture, county,
 * township, committee) and the street address (road, lane 弄, number 号, building 幢/栋, unit 单元,
 * room 室). Department systems write the same dwelling as 上海市长宁区新华路3弄1号101室,
 * 长宁区新华路3弄1号101室 or 新华路3弄1号101室; the parts are what lets them meet one standard
 * address. Pure: resolution to area codes and buildings is the caller's.
 */

export interface AddressParts {
  readonly province: string | null;
  readonly prefecture: string | null;
  readonly county: string | null;
  readonly township: string | null;
  readonly committee: string | null;
  readonly road: string | null;
  /** Lane number without 弄, e.g. '3'. */
  readonly lane: string | null;
  /** House number without 号, e.g. '1' or '1-3'. */
  readonly number: string | null;
  readonly building: string | null;
  readonly unit: string | null;
  /** Room or the rest after the number, e.g. '101', '一层', '二层前楼'. */
  readonly room: string | null;
}

const MUNICIPALITIES = ['北京市', '上海市', '天津市', '重庆市'];
const FULL_WIDTH = /[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\uFF0D]/g;

function half(s: string): string {
  return s.replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[\s\u3000]+/g, '');
}

/** Takes a leading match off the text. */
function take(text: string, re: RegExp): [string | null, string] {
  const m = re.exec(text);
  if (!m || m.index !== 0) return [null, text];
  return [m[1] ?? m[0], text.slice(m[0].length)];
}

export function parseAddress(input: string): AddressParts {
  let rest = half(input);
  let province: string | null = null;
  let prefecture: string | null = null;
  const muni = MUNICIPALITIES.find((m) => rest.startsWith(m) || rest.startsWith(m.slice(0, 2)));
  if (muni) {
    province = muni;
    rest = rest.startsWith(muni) ? rest.slice(muni.length) : rest.slice(2);
  } else {
    [province, rest] = take(rest, /^(.{2,12}?(?:省|自治区|特别行政区))/);
    [prefecture, rest] = take(rest, /^(.{2,12}?(?:自治州|地区|盟|市))/);
  }
  let county: string | null;
  [county, rest] = take(rest, /^(.{1,10}?(?:新区|区|县|自治县|旗|市))(?!场|路|街|道)/);
  let township: string | null;
  [township, rest] = take(rest, /^(.{2,12}?(?:街道|镇|乡))(?!路|街)/);
  let committee: string | null;
  [committee, rest] = take(rest, /^(.{2,12}?(?:居委会|居民委员会|村委会|村民委员会))/);
  let road: string | null;
  [road, rest] = take(rest, /^(.{1,14}?(?:大道|公路|路|街|巷|道|里|坊|村|新村|小区|公寓|花园))(?=\d|[一二三四五六七八九十]|$)/);
  let lane: string | null;
  [lane, rest] = take(rest, /^(\d+)弄/);
  let number: string | null;
  [number, rest] = take(rest, /^(\d+(?:-\d+)?)号(?!楼)/);
  let building: string | null;
  [building, rest] = take(rest, /^(\d+|[A-Z])(?:幢|栋|号楼|座)/);
  let unit: string | null;
  [unit, rest] = take(rest, /^(\d+)单元/);
  const roomMatch = /^(.+?)室?$/.exec(rest);
  const room = rest === '' ? null : (roomMatch?.[1] ?? rest);
  return { province, prefecture, county, township, committee, road, lane, number, building, unit, room };
}

/** The standard form of the street address part: road + lane 弄 + number 号 (+ building, unit, room). */
export function standardStreetAddress(p: AddressParts): string | null {
  if (!p.road || !p.number) return null;
  return `${p.road}${p.lane ? `${p.lane}弄` : ''}${p.number}号${p.building ? `${p.building}幢` : ''}${p.unit ? `${p.unit}单元` : ''}${p.room ? (/^\d+$/.test(p.room) ? `${p.room}室` : p.room) : ''}`;
}

/** The part of an address inside its building, as dwellings are keyed: unit, and building (幢) + room; '' for a whole building. */
export function dwellingPart(p: AddressParts): { readonly unit: string; readonly room: string } {
  return { unit: p.unit ?? '', room: `${p.building ? `${p.building}幢` : ''}${p.room ?? ''}` };
}
