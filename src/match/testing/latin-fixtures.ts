/**
 * Small generated latin-name data with ground truth, for the EM tests: persons with given and family
 * name, birth date, city and ZIP (the ZIP follows the city), and duplicates with typos. Seeded.
 */
import { seededRandom } from '../comparison-vectors.ts';
import type { MatchRecord } from '../match-record.ts';

const GIVEN = [
  'james',
  'mary',
  'john',
  'patricia',
  'robert',
  'jennifer',
  'michael',
  'linda',
  'william',
  'elizabeth',
  'david',
  'barbara',
  'richard',
  'susan',
  'joseph',
  'jessica',
  'thomas',
  'sarah',
  'charles',
  'karen',
  'christopher',
  'nancy',
  'daniel',
  'lisa',
  'matthew',
  'betty',
  'anthony',
  'margaret',
  'mark',
  'sandra',
  'donald',
  'ashley',
  'steven',
  'kimberly',
  'paul',
  'emily',
  'andrew',
  'donna',
  'joshua',
  'michelle',
];
const FAMILY = [
  'smith',
  'johnson',
  'williams',
  'brown',
  'jones',
  'garcia',
  'miller',
  'davis',
  'rodriguez',
  'martinez',
  'hernandez',
  'lopez',
  'gonzalez',
  'wilson',
  'anderson',
  'thomas',
  'taylor',
  'moore',
  'jackson',
  'martin',
  'lee',
  'perez',
  'thompson',
  'white',
  'harris',
  'sanchez',
  'clark',
  'ramirez',
  'lewis',
  'robinson',
  'walker',
  'young',
  'allen',
  'king',
  'wright',
  'scott',
  'torres',
  'nguyen',
  'hill',
  'flores',
  'green',
  'adams',
  'nelson',
  'baker',
  'hall',
  'rivera',
  'campbell',
  'mitchell',
  'carter',
  'roberts',
];

const TOWNS = [
  'springfield',
  'riverton',
  'fairview',
  'kingsbury',
  'ashford',
  'bellmont',
  'clayton',
  'dunmore',
  'elmhurst',
  'glendale',
  'hartwell',
  'ironbridge',
  'jamestown',
  'kelso',
  'lakewood',
  'marlow',
  'newbury',
  'oakridge',
  'pemberton',
  'quincy',
  'redcliff',
  'stanhope',
  'thornbury',
  'upton',
  'valemount',
  'westfield',
  'yarmouth',
  'zephyrhills',
  'brampton',
  'cheltenham',
  'dorchester',
  'exmouth',
  'farnham',
  'greystone',
  'holloway',
  'ilfracombe',
  'juniper',
  'kirkwall',
  'ludlow',
  'mossvale',
];

export interface LatinFixture {
  readonly records: MatchRecord[];
  readonly entityOf: ReadonlyMap<string, string>;
}

function typo(random: () => number, word: string): string {
  if (word.length < 3) return word;
  const i = 1 + Math.floor(random() * (word.length - 2));
  const kind = random();
  if (kind < 0.33) return word.slice(0, i) + word.slice(i + 1);
  if (kind < 0.66) return word.slice(0, i) + word.charAt(i + 1) + word.charAt(i) + word.slice(i + 2);
  return word.slice(0, i) + String.fromCharCode(97 + Math.floor(random() * 26)) + word.slice(i + 1);
}

/** `persons` originals in `cities` towns, `duplicates` of them again with typos; birth dates unless `withBirthDate` is false. */
export function generateLatinFixture(options: {
  seed: number;
  persons: number;
  duplicates: number;
  cities: number;
  withBirthDate?: boolean;
}): LatinFixture {
  const random = seededRandom(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const records: MatchRecord[] = [];
  const entityOf = new Map<string, string>();
  const originals: { id: string; fields: Record<string, string> }[] = [];
  for (let p = 0; p < options.persons; p++) {
    const city = Math.floor(random() * options.cities);
    const fields: Record<string, string> = {
      givenName: pick(GIVEN),
      familyName: pick(FAMILY),
      locality: TOWNS[city % TOWNS.length] ?? 'town',
      postcode: String(2000 + city * 7),
    };
    if (options.withBirthDate !== false) {
      fields['birthDate'] =
        `${1930 + Math.floor(random() * 80)}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
    }
    const id = `p${p}-org`;
    originals.push({ id, fields });
    records.push({ id, fields });
    entityOf.set(id, `p${p}`);
  }
  for (let d = 0; d < options.duplicates; d++) {
    const o = originals[Math.floor(random() * originals.length)];
    if (!o) continue;
    const fields = { ...o.fields };
    if (random() < 0.5) fields['givenName'] = typo(random, fields['givenName'] ?? '');
    else fields['familyName'] = typo(random, fields['familyName'] ?? '');
    const id = `${o.id.replace('-org', '')}-dup${d}`;
    records.push({ id, fields });
    entityOf.set(id, entityOf.get(o.id) ?? '');
  }
  return { records, entityOf };
}
