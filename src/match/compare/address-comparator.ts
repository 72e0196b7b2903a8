/**
 * Address comparators (`address`, `household`: address and phone, `place`: postcode and town).
 * `address`: dwelling (the same dwelling id, or the same road, lane, number, building, unit and
 * room); building (the same building id, or the same road, lane, number and building); road (the
 * same road); else. Chinese addresses are taken apart by the domain's parser, so 上海市长宁区新华路3弄
 * 1号101室 and 新华路3弄1号101室 agree; a latin address agrees only as a whole (folded text).
 */
import { parseAddress } from '../../domain/address/parse-address.ts';
import { fieldValue } from '../match-record.ts';
import { foldLatinText, normalisePhone } from '../normalise-fields.ts';
import { hasHan } from '../text/chinese-name.ts';
import { toSimplified } from '../../ingest/transform/text-transforms.ts';
import { jaroWinkler, withinOneEdit } from '../text/jaro-winkler.ts';
import { levelTable, type Comparator, type ComparatorKind } from './comparator.ts';

export interface PreparedAddress {
  readonly dwellingId: string | undefined;
  readonly buildingId: string | undefined;
  readonly dwelling: string | undefined;
  readonly building: string | undefined;
  readonly road: string | undefined;
}

interface AddressKeys {
  readonly dwelling: string | undefined;
  readonly building: string | undefined;
  readonly road: string | undefined;
}

const parsed = new Map<string, AddressKeys>();

/** Dwelling, building and road keys of an address text (cached: a household repeats its address). */
function addressKeys(text: string): AddressKeys {
  const hit = parsed.get(text);
  if (hit) return hit;
  let keys: AddressKeys;
  if (hasHan(text)) {
    const p = parseAddress(toSimplified(text));
    const building = p.road && p.number ? `${p.road}|${p.lane ?? ''}|${p.number}|${p.building ?? ''}` : undefined;
    keys = { road: p.road ?? undefined, building, dwelling: building && p.room ? `${building}|${p.unit ?? ''}|${p.room}` : undefined };
  } else {
    keys = { road: undefined, building: undefined, dwelling: foldLatinText(text).replace(/[^a-z0-9 ]+/g, '') };
  }
  if (parsed.size >= 200_000) parsed.clear();
  parsed.set(text, keys);
  return keys;
}

export function prepareAddress(text: string | undefined, dwellingId?: string, buildingId?: string): PreparedAddress | undefined {
  const { dwelling, building, road } =
    text === undefined ? { dwelling: undefined, building: undefined, road: undefined } : addressKeys(text);
  if (dwelling === undefined && building === undefined && road === undefined && dwellingId === undefined && buildingId === undefined)
    return undefined;
  return { dwellingId, buildingId, dwelling, building, road };
}

function same(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && a === b;
}

export const ADDRESS_COMPARATOR: ComparatorKind = {
  kind: 'address',
  allLevels: ['dwelling', 'building', 'road', 'else'],
  description: 'address: same dwelling, same building (road + lane + number), same road, else',
  create(enabled, _options, field): Comparator<PreparedAddress> {
    const { on, index } = levelTable('address', this.allLevels, enabled);
    const name = field ?? 'address';
    const elseIndex = enabled.length - 1;
    return {
      kind: 'address',
      levels: enabled,
      fields: [name, 'dwellingId', 'buildingId'],
      prepare: (record) => prepareAddress(fieldValue(record, name), fieldValue(record, 'dwellingId'), fieldValue(record, 'buildingId')),
      compare(a, b) {
        const ids = a.dwellingId !== undefined && b.dwellingId !== undefined;
        if (on[0] && (ids ? a.dwellingId === b.dwellingId : same(a.dwelling, b.dwelling))) return index[0] ?? 0;
        const bids = a.buildingId !== undefined && b.buildingId !== undefined;
        if (on[1] && (bids ? a.buildingId === b.buildingId : same(a.building, b.building))) return index[1] ?? 0;
        if (on[2] && same(a.road, b.road)) return index[2] ?? 0;
        return elseIndex;
      },
    };
  },
};

interface PreparedHousehold {
  readonly address: PreparedAddress | undefined;
  readonly phone: string | undefined;
}

/**
 * `household`: address and phone judged together, because a household shares both — counting them
 * as two independent agreements would make every two members of a family look alike. Levels:
 * dwelling-phone (same dwelling and same phone), dwelling, phone, building, road, else.
 */
export const HOUSEHOLD_COMPARATOR: ComparatorKind = {
  kind: 'household',
  allLevels: ['dwelling-phone', 'dwelling', 'phone', 'building', 'road', 'else'],
  description: 'address and phone together: same dwelling and phone, same dwelling, same phone, same building, same road, else',
  create(enabled, _options, field): Comparator<PreparedHousehold> {
    const { on, index } = levelTable('household', this.allLevels, enabled);
    const name = field ?? 'address';
    const elseIndex = enabled.length - 1;
    const address = ADDRESS_COMPARATOR.create(['dwelling', 'building', 'road', 'else'], {}, name) as Comparator<PreparedAddress>;
    return {
      kind: 'household',
      levels: enabled,
      fields: [name, 'phone', 'dwellingId', 'buildingId'],
      prepare(record) {
        const a = address.prepare(record);
        const p = fieldValue(record, 'phone');
        const phone = p === undefined ? undefined : normalisePhone(p);
        return a === undefined && phone === undefined ? undefined : { address: a, phone };
      },
      compare(a, b) {
        const place = a.address && b.address ? address.compare(a.address, b.address) : 3;
        const phone =
          a.phone !== undefined &&
          b.phone !== undefined &&
          (a.phone === b.phone || (a.phone.length >= 8 && b.phone.length >= 8 && a.phone.slice(-8) === b.phone.slice(-8)));
        if (on[0] && place === 0 && phone) return index[0] ?? 0;
        if (on[1] && place === 0) return index[1] ?? 0;
        if (on[2] && phone) return index[2] ?? 0;
        if (on[3] && place <= 1) return index[3] ?? 0;
        if (on[4] && place <= 2) return index[4] ?? 0;
        return elseIndex;
      },
    };
  },
};

interface PreparedPlace {
  readonly postcode: string | undefined;
  readonly locality: string | undefined;
}

/**
 * `place`: postcode and town judged together, because they go together (a town has its postcodes):
 * as two comparisons their agreement would be counted twice. Levels: both (same postcode and town),
 * postcode, locality, close (postcode one edit apart or town Jaro–Winkler ≥ `similar`, 0.92), else.
 * Options `postcodeField` and `localityField` name the fields (default postcode, locality).
 */
export const PLACE_COMPARATOR: ComparatorKind = {
  kind: 'place',
  allLevels: ['both', 'postcode', 'locality', 'close', 'else'],
  description: 'postcode and town together: both, same postcode, same town, close, else',
  create(enabled, options): Comparator<PreparedPlace> {
    const { on, index } = levelTable('place', this.allLevels, enabled);
    const postcodeField = typeof options['postcodeField'] === 'string' ? options['postcodeField'] : 'postcode';
    const localityField = typeof options['localityField'] === 'string' ? options['localityField'] : 'locality';
    const similar = typeof options['similar'] === 'number' ? options['similar'] : 0.92;
    const elseIndex = enabled.length - 1;
    return {
      kind: 'place',
      levels: enabled,
      fields: [localityField, postcodeField],
      prepare(record) {
        const p = fieldValue(record, postcodeField);
        const l = fieldValue(record, localityField);
        const postcode = p === undefined ? undefined : foldLatinText(p).replace(/\s+/g, '');
        const locality = l === undefined ? undefined : foldLatinText(toSimplified(l));
        return postcode === undefined && locality === undefined ? undefined : { postcode, locality };
      },
      compare(a, b) {
        const samePostcode = same(a.postcode, b.postcode);
        const sameLocality = same(a.locality, b.locality);
        if (on[0] && samePostcode && sameLocality) return index[0] ?? 0;
        if (on[1] && samePostcode) return index[1] ?? 0;
        if (on[2] && sameLocality) return index[2] ?? 0;
        if (on[3]) {
          if (a.postcode !== undefined && b.postcode !== undefined && withinOneEdit(a.postcode, b.postcode)) return index[3] ?? 0;
          if (a.locality !== undefined && b.locality !== undefined && jaroWinkler(a.locality, b.locality) >= similar) return index[3] ?? 0;
        }
        return elseIndex;
      },
    };
  },
};
