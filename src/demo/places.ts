/**
 * Roads, lanes, buildings and rooms: the housing stock of each committee, built on demand as
 * households need homes (lane houses with their 前楼 and 亭子间, tower blocks with 1201室), and
 * plausible addresses elsewhere in Shanghai for people registered or living outside the street.
 */
import type { Random } from './random.ts';
import { Dwelling, type BuildingType, type Committee, type Street } from './model.ts';
import type { DemoReference, NamedArea } from './reference-adapter.ts';

/** The real roads of 新华路街道 (Changning). */
export const XINHUA_ROADS: readonly string[] = [
  '新华路',
  '番禺路',
  '法华镇路',
  '定西路',
  '延安西路',
  '淮海西路',
  '凯旋路',
  '幸福路',
  '安顺路',
  '平武路',
  '种德桥路',
  '华山路',
];

const PLACE_NAMES =
  '南京 杭州 苏州 无锡 常州 镇江 扬州 泰州 南通 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 台州 丽水 合肥 芜湖 蚌埠 安庆 滁州 六安 ' +
  '福州 厦门 泉州 漳州 南昌 九江 赣州 济南 青岛 烟台 威海 潍坊 临沂 郑州 洛阳 开封 武汉 宜昌 襄阳 长沙 湘潭 岳阳 广州 汕头 ' +
  '韶关 南宁 桂林 柳州 海口 成都 重庆 贵阳 遵义 昆明 大理 西安 延安 宝鸡 兰州 天水 西宁 银川 哈密 伊犁 沈阳 大连 鞍山 长春 ' +
  '哈尔滨 太原 大同 保定 唐山 承德 包头 江苏 浙江 福建 江西 山东 河南 湖北 湖南 广东 广西 四川 云南 陕西 甘肃 青海 宁夏 ' +
  '新疆 西藏 辽宁 吉林 山西 武夷 长寿 昌平 延平 余姚 普安 泰兴 宜山 虹梅 龙华 漕溪 桂平 钦州 田林 宛平 中山 江宁 武宁 曹杨 ' +
  '真如 桃浦 铜川 梅岭 岚皋 常德 胶州 昌化 西康 武定 新闸 天山 仙霞 娄山关 遵化 古北 剑河 哈密 茅台 水城 虹井 金钟 北翟 ' +
  '协和 紫云 甘溪 玉屏 芙蓉江 双流 威宁 荣华 伊犁 红宝石 黄金城 宋园 迎宾 程家桥 广顺 安龙 林泉 蒲松 通协 淞虹 纪翟';
const ROAD_SUFFIXES = ['路', '路', '路', '路', '东路', '西路', '南路', '北路', '支路'] as const;

let genericRoads: string[] | undefined;

/** About a thousand distinct road names in Shanghai's style (named after places), none of 新华路街道's. */
function allGenericRoads(): string[] {
  if (genericRoads) return genericRoads;
  const seen = new Set<string>(XINHUA_ROADS);
  const roads: string[] = [];
  for (const suffix of new Set(ROAD_SUFFIXES)) {
    for (const place of PLACE_NAMES.split(' ')) {
      const road = place + suffix;
      if (!seen.has(road)) {
        seen.add(road);
        roads.push(road);
      }
    }
  }
  genericRoads = roads;
  return roads;
}

/** The roads of a street: the real ones for 新华路街道, else a slice distinct within its district. */
export function roadsOfStreet(street: Street, indexInDistrict: number, random: Random): string[] {
  if (street.code === '310105004') return [...XINHUA_ROADS];
  const roads = random.shuffle([...allGenericRoads()]);
  const count = 12;
  const start = (indexInDistrict * count) % Math.max(count, roads.length - count);
  return roads.slice(start, start + count);
}

/** Roads of one committee: three to five of its street's, each with its own number range. */
export function roadsOfCommittee(streetRoads: readonly string[], committeeIndex: number, random: Random): string[] {
  const n = random.int(3, 5);
  const roads: string[] = [];
  for (let i = 0; i < n; i++) roads.push(streetRoads[(committeeIndex * 3 + i * 5) % streetRoads.length] ?? '新华路');
  return [...new Set(roads)];
}

const LANE_ROOMS = ['一层', '二层前楼', '二层后楼', '亭子间', '三层前楼', '三层后楼', '前厢房', '后厢房', '灶披间', '三层阁楼'];

interface LaneCursor {
  road: string;
  lane: string;
  building: number;
  buildings: number;
  /** Rooms left in the current building (lane houses) or floors × units (towers). */
  rooms: string[];
}

/**
 * A committee's housing stock, extended lane by lane as dwellings are taken. Every committee numbers
 * its lanes in its own range of each road, so addresses never repeat within a district.
 */
export class DwellingStock {
  private readonly cursors: Record<BuildingType, LaneCursor | null> = { 'lane-house': null, 'tower-block': null };
  private readonly laneCount = new Map<string, number>();
  private roadTurn = 0;

  constructor(
    private readonly random: Random,
    private readonly committee: Committee,
    private readonly committeeIndex: number,
    private readonly nextId: () => string,
  ) {}

  take(type: BuildingType): Dwelling {
    let cursor = this.cursors[type];
    while (!cursor || cursor.rooms.length === 0) {
      if (cursor && cursor.building < cursor.buildings) {
        cursor.building++;
        cursor.rooms = this.roomsOfBuilding(type);
      } else {
        cursor = this.newLane(type);
        this.cursors[type] = cursor;
      }
    }
    const room = cursor.rooms.shift() ?? '';
    const area = type === 'lane-house' ? this.random.int(9, 35) + (room === '' ? 40 : 0) : this.random.int(38, 140);
    return new Dwelling(this.nextId(), this.committee, cursor.road, cursor.lane, `${cursor.building}号`, room, type, area);
  }

  private newLane(type: BuildingType): LaneCursor {
    const roads = this.committee.roads;
    const road = roads[this.roadTurn++ % roads.length] ?? '新华路';
    const used = this.laneCount.get(road) ?? 0;
    this.laneCount.set(road, used + 1);
    // Odd numbers, 200 per committee and road, stepping 2–6 per lane.
    const laneNo = 1 + this.committeeIndex * 200 + used * 6 + 2 * this.random.int(0, 2);
    const buildings = type === 'lane-house' ? this.random.int(8, 40) : this.random.int(3, 14);
    return { road, lane: `${laneNo}弄`, building: 1, buildings, rooms: this.roomsOfBuilding(type) };
  }

  private roomsOfBuilding(type: BuildingType): string[] {
    if (type === 'lane-house') {
      const k = this.random.int(1, 5);
      if (k === 1) return [''];
      return LANE_ROOMS.slice(0, k + 1)
        .filter((_, i) => i === 0 || this.random.chance(0.8))
        .slice(0, k);
    }
    const floors = this.random.int(6, 28);
    const units = this.random.int(2, 6);
    const rooms: string[] = [];
    for (let f = 1; f <= floors; f++) for (let u = 1; u <= units; u++) rooms.push(`${f}${String(u).padStart(2, '0')}室`);
    return rooms;
  }
}

export interface ElsewhereAddress {
  readonly areaCode: string;
  readonly address: string;
}

/** A plausible address in another Shanghai street (not `excludeStreet`), with its committee code. */
export function shanghaiAddressElsewhere(random: Random, reference: DemoReference, excludeStreet: string): ElsewhereAddress {
  const townships = reference.shanghaiTownships;
  let township: NamedArea | undefined;
  for (let tries = 0; tries < 10 && (!township || township.code === excludeStreet); tries++) township = random.pick(townships);
  if (!township) throw new Error('no Shanghai townships in the reference data');
  const committees = reference.committeesOf(township.code);
  const committee = committees.length > 0 ? random.pick(committees) : { code: `${township.code}001`, name: '' };
  const roads = allGenericRoads();
  const road = roads[(Number(township.code.slice(6)) * 7 + random.int(0, 11)) % roads.length] ?? '中山路';
  const tower = random.chance(0.6);
  const address = tower
    ? `${road}${1 + 2 * random.int(0, 600)}弄${random.int(1, 30)}号${random.int(1, 25)}${String(random.int(1, 6)).padStart(2, '0')}室`
    : `${road}${1 + 2 * random.int(0, 800)}弄${random.int(1, 60)}号`;
  return { areaCode: committee.code, address: `上海市${reference.countyName(township.code.slice(0, 6))}${address}` };
}

const TOWNS = [
  '城关镇',
  '新集镇',
  '三河镇',
  '高桥镇',
  '石门镇',
  '河口镇',
  '大桥镇',
  '双河镇',
  '白石镇',
  '龙泉镇',
  '太平镇',
  '永安镇',
  '清水镇',
];
const VILLAGE_WORDS = ['新村', '王庄', '李家', '张湾', '河东', '前进', '红星', '和平', '东风', '杨柳', '桥头', '大庄'];

/** A rural or town registered address in a county of another province. */
export function countyAddress(random: Random, province: string, prefecture: string, county: string): string {
  const town = random.pick(TOWNS);
  return random.chance(0.65)
    ? `${province}${prefecture}${county}${town}${random.pick(VILLAGE_WORDS)}村${random.int(1, 12)}组`
    : `${province}${prefecture}${county}${town}${random.pick(['人民路', '解放路', '建设路', '中山路', '新华街'])}${random.int(1, 300)}号`;
}
