/**
 * Name material for the demo street: Chinese surnames with approximate frequencies (per mille;
 * national figures after the 2020 census ranking, Shanghai's from published local rankings, where
 * 张 王 陈 徐 朱 lead and 沈 顾 陆 钱 are far more common than nationally), compound surnames,
 * given-name characters by generation and sex, homophones for typing noise, and latin-script names
 * for the foreigners most often found in central Shanghai.
 */

/** National surname frequencies (‰), used for people from other provinces. */
// prettier-ignore
export const NATIONAL_SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 71], ['李', 70], ['张', 67], ['刘', 54], ['陈', 45], ['杨', 31], ['黄', 22], ['赵', 20], ['吴', 20],
  ['周', 19], ['徐', 16], ['孙', 15], ['马', 14], ['朱', 13], ['胡', 13], ['郭', 11], ['何', 11], ['高', 10],
  ['林', 10], ['罗', 9], ['郑', 9], ['梁', 8], ['谢', 7], ['宋', 7], ['唐', 7], ['许', 6], ['韩', 6], ['冯', 6],
  ['邓', 6], ['曹', 6], ['彭', 5], ['曾', 5], ['肖', 5], ['田', 5], ['董', 5], ['袁', 5], ['潘', 5], ['于', 4],
  ['蒋', 4], ['蔡', 4], ['余', 4], ['杜', 4], ['叶', 4], ['程', 4], ['苏', 4], ['魏', 4], ['吕', 4], ['丁', 4],
  ['任', 4], ['沈', 3], ['姚', 3], ['卢', 3], ['姜', 3], ['崔', 3], ['钟', 3], ['谭', 3], ['陆', 3], ['汪', 3],
  ['范', 3], ['金', 3], ['石', 3], ['廖', 3], ['贾', 3], ['夏', 3], ['韦', 3], ['付', 3], ['方', 3], ['白', 3],
  ['邹', 3], ['孟', 3], ['熊', 3], ['秦', 2], ['邱', 2], ['江', 2], ['尹', 2], ['薛', 2], ['闫', 2], ['段', 2],
  ['雷', 2], ['侯', 2], ['龙', 2], ['史', 2], ['陶', 2], ['黎', 2], ['贺', 2], ['顾', 2], ['毛', 2], ['郝', 2],
  ['龚', 2], ['邵', 2], ['万', 2], ['钱', 2], ['严', 2], ['覃', 1], ['武', 1], ['戴', 1], ['莫', 1], ['孔', 1],
  ['单', 1], ['解', 1], ['查', 1], ['仇', 0.5], ['区', 0.3],
];

/** Shanghai surname frequencies (‰), used for people registered in Shanghai. */
// prettier-ignore
export const SHANGHAI_SURNAMES: readonly (readonly [string, number])[] = [
  ['张', 58], ['王', 55], ['陈', 50], ['徐', 38], ['朱', 37], ['李', 35], ['周', 30], ['沈', 29], ['顾', 25],
  ['陆', 25], ['黄', 24], ['吴', 24], ['钱', 18], ['蒋', 15], ['杨', 15], ['金', 15], ['孙', 14], ['胡', 14],
  ['姚', 13], ['施', 13], ['唐', 12], ['许', 12], ['刘', 12], ['马', 10], ['高', 10], ['曹', 10], ['郁', 7],
  ['戴', 8], ['范', 8], ['邵', 8], ['潘', 8], ['汤', 7], ['丁', 7], ['俞', 8], ['倪', 7], ['严', 7], ['孔', 5],
  ['蔡', 7], ['袁', 7], ['宋', 6], ['薛', 6], ['龚', 6], ['程', 6], ['郑', 6], ['方', 6], ['叶', 6], ['毛', 5],
  ['秦', 5], ['夏', 5], ['谢', 5], ['卢', 5], ['费', 4], ['卫', 4], ['冯', 5], ['赵', 6], ['林', 5], ['何', 5],
  ['郭', 4], ['邱', 4], ['殷', 4], ['葛', 4], ['邹', 3], ['瞿', 3], ['凌', 3], ['须', 2], ['浦', 2], ['乔', 3],
  ['庄', 3], ['杭', 2], ['翁', 3], ['单', 2], ['解', 1], ['查', 1],
];

/** Compound surnames; together about 3 ‰ of people. */
// prettier-ignore
export const COMPOUND_SURNAMES: readonly (readonly [string, number])[] = [
  ['欧阳', 1.2], ['司马', 0.3], ['上官', 0.3], ['诸葛', 0.3], ['东方', 0.2], ['皇甫', 0.2], ['司徒', 0.2],
  ['尉迟', 0.1], ['公孙', 0.1], ['慕容', 0.1], ['令狐', 0.1], ['夏侯', 0.1], ['端木', 0.1], ['宇文', 0.1],
];
export const COMPOUND_SHARE = 0.003;

export type Generation = 'old' | 'middle' | 'young';

/** Given-name characters by generation (born before 1960, 1960–1989, from 1990) and sex. */
export const GIVEN_CHARS: Readonly<Record<Generation, Readonly<Record<'1' | '2', string>>>> = {
  old: {
    '1': '国建华明德荣志伟根宝林福海兴忠民强庆生祥春龙金发昌文军平新卫东良才富贵章鸿鑫松康仁义永厚德',
    '2': '秀英兰珍芳华凤玉美桂娣妹琴丽萍珠宝云菊梅月娟敏红霞芬琳素彩莲翠娥惠玲婉月雅佩',
  },
  middle: {
    '1': '伟勇军杰强磊斌峰涛俊明华平刚辉超健鹏飞波浩晓东宇文忠雷军亮伟斌晖彬毅骏炜峻翔',
    '2': '丽静敏燕艳娟霞婷芳洁琳慧颖华红玲萍雯蕾佳晓雪倩莉琴颖菁蓓怡瑾琼虹薇',
  },
  young: {
    '1': '浩宇轩子涵博文俊杰昊天泽晨睿梓一鑫磊航辰诚家豪逸宸铭奕皓煜瑞辰恒嘉然',
    '2': '欣怡雨萱梓涵诗琪佳思可馨悦语嘉婷若紫彤晨瑶雅琳妍依桐晴希薇安宁',
  },
};

/** Share of one-character given names, by generation. */
export const SINGLE_CHAR_SHARE: Readonly<Record<Generation, number>> = { old: 0.3, middle: 0.35, young: 0.12 };

/**
 * Characters read alike (Mandarin, and for 黄/王 and 胡/吴 Shanghainese): the typist hears the name
 * and picks a neighbour.
 */
// prettier-ignore
export const HOMOPHONES: readonly string[] = [
  '伟玮炜韦', '丽莉俐利', '明铭鸣', '华桦骅', '静婧靖', '红虹鸿宏', '英瑛', '平萍苹', '林琳霖麟', '文雯闻',
  '建剑健坚', '玲铃苓龄', '云芸昀耘', '峰锋丰枫', '杰洁婕捷', '敏闵珉', '秀绣', '志智致治', '勇永泳',
  '晓小筱', '燕艳雁彦', '娟鹃涓', '婷亭庭廷', '慧惠蕙卉', '颖影莹盈', '佳嘉家', '倩茜', '琴勤芹', '浩昊皓灏',
  '宇雨语羽禹', '轩萱宣暄', '涵晗含寒', '子梓紫姿', '怡仪宜依艺', '欣鑫馨心新', '思斯丝', '琪琦祺棋淇',
  '晨辰臣琛宸', '睿瑞锐', '俊峻骏君', '鹏朋蓬', '飞菲斐', '涛韬滔', '磊蕾雷', '斌彬滨宾', '刚钢纲', '东冬栋',
  '天添田', '泽则择', '玉钰煜昱', '美梅玫媚', '桂贵', '兰岚澜', '珍贞真', '月悦越跃', '宝保葆', '荣蓉容融',
  '福富馥', '生升胜声', '祥翔详', '金今锦', '凤奉', '芳方', '霞侠', '雪薛', '瑶遥尧', '彤桐童', '晴情擎',
  '张章', '徐许', '王汪', '李黎', '杨阳扬', '黄王', '胡吴', '陆卢路', '施石史', '姚尧', '俞于余虞', '朱诸祝',
  '金靳', '沈审', '程成承', '郑正', '钱前', '顾古', '周舟', '孙荪', '蒋江姜',
];

export interface LatinNamePool {
  readonly family: readonly string[];
  readonly male: readonly string[];
  readonly female: readonly string[];
}

// prettier-ignore
const ENGLISH: LatinNamePool = {
  family: ['SMITH', 'JOHNSON', 'WILLIAMS', 'BROWN', 'JONES', 'MILLER', 'DAVIS', 'WILSON', 'TAYLOR', 'CLARK', 'WHITE', 'HARRIS', 'MARTIN', 'THOMPSON', 'YOUNG'],
  male: ['JAMES', 'JOHN', 'ROBERT', 'MICHAEL', 'DAVID', 'WILLIAM', 'RICHARD', 'THOMAS', 'DANIEL', 'MATTHEW', 'ANDREW', 'PETER'],
  female: ['MARY', 'JENNIFER', 'LINDA', 'SARAH', 'EMILY', 'JESSICA', 'LAURA', 'EMMA', 'OLIVIA', 'SOPHIE', 'RACHEL', 'KATE'],
};

/** Latin-script names by GB/T 2659 alpha-3 country code (ASCII only, as machine-readable passports print them). */
// prettier-ignore
export const LATIN_NAMES: Readonly<Record<string, LatinNamePool>> = {
  JPN: {
    family: ['SATO', 'SUZUKI', 'TAKAHASHI', 'TANAKA', 'WATANABE', 'ITO', 'YAMAMOTO', 'NAKAMURA', 'KOBAYASHI', 'KATO', 'YOSHIDA', 'YAMADA'],
    male: ['HIROSHI', 'TAKESHI', 'KENJI', 'YUTO', 'HARUTO', 'SHOTA', 'DAISUKE', 'KAZUKI', 'RYO', 'TAKUYA'],
    female: ['YUKI', 'AYAKA', 'HANA', 'SAKURA', 'MISAKI', 'YUI', 'NAOMI', 'MAI', 'AOI', 'KAORI'],
  },
  KOR: {
    family: ['KIM', 'LEE', 'PARK', 'CHOI', 'JUNG', 'KANG', 'CHO', 'YOON', 'JANG', 'LIM'],
    male: ['MINJUN', 'SEOJUN', 'JIHO', 'DOYUN', 'HYUNWOO', 'JUNSEO', 'SUNGMIN', 'DONGHYUN'],
    female: ['SEOYEON', 'JIWOO', 'MINSEO', 'SUBIN', 'JIYOUNG', 'HYEJIN', 'EUNJI', 'YUNA'],
  },
  USA: ENGLISH,
  GBR: ENGLISH,
  CAN: ENGLISH,
  AUS: ENGLISH,
  NZL: ENGLISH,
  FRA: {
    family: ['MARTIN', 'BERNARD', 'DUBOIS', 'THOMAS', 'ROBERT', 'PETIT', 'DURAND', 'LEROY', 'MOREAU', 'LAURENT'],
    male: ['PIERRE', 'JEAN', 'LUC', 'NICOLAS', 'ANTOINE', 'JULIEN', 'THIBAULT', 'MATHIEU'],
    female: ['MARIE', 'SOPHIE', 'CAMILLE', 'JULIE', 'CLAIRE', 'ELODIE', 'MANON', 'CHLOE'],
  },
  DEU: {
    family: ['MUELLER', 'SCHMIDT', 'SCHNEIDER', 'FISCHER', 'WEBER', 'MEYER', 'WAGNER', 'BECKER', 'HOFFMANN', 'KOCH'],
    male: ['LUKAS', 'FELIX', 'MAXIMILIAN', 'JONAS', 'TOBIAS', 'STEFAN', 'MARKUS', 'FLORIAN'],
    female: ['ANNA', 'LENA', 'LAURA', 'JULIA', 'KATHARINA', 'SABINE', 'MIRIAM', 'LEONIE'],
  },
  ITA: {
    family: ['ROSSI', 'RUSSO', 'FERRARI', 'ESPOSITO', 'BIANCHI', 'ROMANO', 'COLOMBO', 'RICCI'],
    male: ['MARCO', 'LUCA', 'MATTEO', 'ALESSANDRO', 'ANDREA', 'GIUSEPPE'],
    female: ['GIULIA', 'CHIARA', 'FRANCESCA', 'SARA', 'MARTINA', 'ELENA'],
  },
  ESP: {
    family: ['GARCIA', 'MARTINEZ', 'LOPEZ', 'SANCHEZ', 'PEREZ', 'GOMEZ', 'FERNANDEZ', 'RUIZ'],
    male: ['JAVIER', 'CARLOS', 'DAVID', 'PABLO', 'SERGIO', 'ALEJANDRO'],
    female: ['LUCIA', 'MARIA', 'PAULA', 'CARMEN', 'ELENA', 'ANA'],
  },
  SGP: {
    family: ['TAN', 'LIM', 'LEE', 'NG', 'ONG', 'WONG', 'GOH', 'CHUA', 'CHAN', 'KOH'],
    male: ['WEI MING', 'JUN JIE', 'KAI WEN', 'ZHI HAO', 'BOON HUAT', 'ETHAN'],
    female: ['HUI LING', 'XIN YI', 'MEI LING', 'JIA HUI', 'SHU FEN', 'RACHEL'],
  },
  MYS: {
    family: ['TAN', 'LIM', 'LEE', 'WONG', 'CHONG', 'LEONG', 'YAP', 'TEH'],
    male: ['CHEE KEONG', 'WEI JIAN', 'KAH HOE', 'SOON LEONG', 'JASON'],
    female: ['SIEW LING', 'MEI YEE', 'PEI SHAN', 'LI TING', 'JOANNE'],
  },
  RUS: {
    family: ['IVANOV', 'SMIRNOV', 'KUZNETSOV', 'POPOV', 'VASILIEV', 'PETROV', 'SOKOLOV', 'VOLKOV'],
    male: ['ALEXEI', 'DMITRI', 'SERGEI', 'ANDREI', 'MIKHAIL', 'IVAN'],
    female: ['ANNA', 'OLGA', 'ELENA', 'NATALIA', 'IRINA', 'TATIANA'],
  },
  IND: {
    family: ['SHARMA', 'PATEL', 'SINGH', 'KUMAR', 'GUPTA', 'REDDY', 'IYER', 'MEHTA'],
    male: ['RAHUL', 'ARJUN', 'VIKRAM', 'ROHAN', 'ANIL', 'SANJAY'],
    female: ['PRIYA', 'ANANYA', 'DIVYA', 'KAVITA', 'NEHA', 'POOJA'],
  },
};

/** Nationalities of the foreigners living in the street (weights), alpha-3 with Chinese and English names. */
// prettier-ignore
export const FOREIGN_COUNTRIES: readonly (readonly [code: string, nameZh: string, nameEn: string, weight: number])[] = [
  ['JPN', '日本', 'Japan', 30], ['KOR', '韩国', 'South Korea', 18], ['USA', '美国', 'United States of America', 14],
  ['FRA', '法国', 'France', 5], ['DEU', '德国', 'Germany', 5], ['GBR', '英国', 'United Kingdom', 5],
  ['SGP', '新加坡', 'Singapore', 5], ['CAN', '加拿大', 'Canada', 4], ['AUS', '澳大利亚', 'Australia', 3],
  ['MYS', '马来西亚', 'Malaysia', 3], ['ITA', '意大利', 'Italy', 2], ['ESP', '西班牙', 'Spain', 1.5],
  ['RUS', '俄罗斯', 'Russian Federation', 1.5], ['IND', '印度', 'India', 2], ['NZL', '新西兰', 'New Zealand', 1],
];
