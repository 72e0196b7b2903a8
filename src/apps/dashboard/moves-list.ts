/**
 * What a page of the list behind a moves bar shows (DashboardService.moves chose and cut the moves,
 * ./moves.ts): the person's name where the remit lets you read it, the residence's committee name
 * and address, and whether the person's profile is yours to open — judged by their facts of today,
 * as a profile read (PersonGate) judges them, so a leaver listed in the committee they left is
 * shown without a link unless they now live within your remit.
 */
import type { Access } from '../../access/remit-policy.ts';
import { standardStreetAddress, type AddressParts } from '../../domain/address/parse-address.ts';
import { elementsRead, type KindDefinition } from '../../domain/kinds.ts';
import type { DataAccess } from '../../store/repositories.ts';
import { personFacts } from '../reports/engine-facts.ts';
import { subjectOfFacts, type Move, type MoveDirection } from './moves.ts';

export const NAME_ELEMENT = 'person.name';

const NO_PARTS: AddressParts = {
  province: null,
  prefecture: null,
  county: null,
  township: null,
  committee: null,
  road: null,
  lane: null,
  number: null,
  building: null,
  unit: null,
  room: null,
};

/** One move in a list behind a bar of the moves chart. */
export interface MoveItem {
  readonly personId: string;
  /** The person's name where your remit lets you read it; null otherwise. */
  readonly name: string | null;
  readonly direction: MoveDirection;
  /** YYYY-MM-DD: the day the residence began (in) or ended (out). */
  readonly date: string;
  /** The residence's area (committee or grid) and its committee's name. */
  readonly areaCode: string;
  readonly areaName: string | null;
  /** The dwelling's standard address (road, 弄, 号, unit, room), or the address as reported; null when neither is known. */
  readonly address: string | null;
  /** Whether the person's profile is yours to open (judged today, as a profile read is). */
  readonly profile: boolean;
}

export interface MovesPage {
  readonly area: { readonly code: string; readonly name: string };
  readonly asOf: string;
  readonly month: string;
  readonly direction: MoveDirection;
  readonly total: number;
  readonly items: readonly MoveItem[];
}

/** What a page of moves shows: names where readable, the residences' area names and addresses, whether each profile is yours to open. */
export async function movesShown(
  deps: { readonly data: DataAccess; readonly homeArea: string; readonly kinds: readonly KindDefinition[] },
  access: Access,
  page: readonly Move[],
  where: { readonly area: string; readonly from: string; readonly to: string; readonly today: string },
): Promise<MoveItem[]> {
  const { area, from, to, today } = where;
  if (page.length === 0) return [];
  const repos = deps.data.repos;
  const ids = [...new Set(page.map((m) => m.personId))];
  const names = new Map((await repos.reportReads.valuesOf(ids, [NAME_ELEMENT], 'current', today)).values.map((v) => [v.personId, v.value]));
  const addresses = new Map<string, string>();
  for (const r of await repos.reportReads.residenceMoveAddresses(ids, area, from, to)) {
    const address = (r.dwelling ? standardStreetAddress({ ...NO_PARTS, ...r.dwelling }) : null) ?? r.addressText;
    if (address === null) continue;
    for (const [direction, date] of [
      ['in', r.validFrom],
      ['out', r.validTo],
    ] as const) {
      const key = `${r.personId}\u0000${r.areaCode}\u0000${direction}\u0000${date ?? ''}`;
      if (!addresses.has(key)) addresses.set(key, address);
    }
  }
  // A profile opens where a person read would find the person: judged by their facts of today.
  const now = await repos.reportReads.read({
    areaPrefix: area,
    personIds: ids,
    asOf: today,
    elementIds: elementsRead(deps.kinds),
    values: 'current',
    memberships: false,
    dwellings: true,
  });
  const openable = new Set(
    personFacts(now, deps.homeArea, today, deps.kinds, new Map())
      .filter((f) => access.canSee(subjectOfFacts(f)))
      .map((f) => f.id),
  );
  const areaNames = new Map<string, string | null>();
  for (const code of new Set(page.map((m) => m.areaCode)))
    areaNames.set(code, (await repos.areas.findArea(code.slice(0, 12)))?.name ?? null);
  return page.map((m) => ({
    personId: m.personId,
    name: access.readable(m.subject).has(NAME_ELEMENT) ? (names.get(m.personId) ?? null) : null,
    direction: m.direction,
    date: m.date,
    areaCode: m.areaCode,
    areaName: areaNames.get(m.areaCode) ?? null,
    address: addresses.get(`${m.personId}\u0000${m.areaCode}\u0000${m.direction}\u0000${m.date}`) ?? null,
    profile: openable.has(m.personId),
  }));
}
