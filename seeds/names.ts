/** Small tables of plausible romanized names per nationality, and of Japanese address lines. */
import type { NationalityCode, Sex } from '../schema/codes';
import type { Random } from './random';

interface NameTable {
  family: readonly string[];
  male: readonly string[];
  female: readonly string[];
}

const KOREAN: NameTable = {
  family: ['KIM', 'LEE', 'PARK', 'CHOI', 'JUNG', 'KANG', 'CHO', 'YOON', 'JANG', 'LIM'],
  male: ['MINJUN', 'JIHOON', 'HYUNWOO', 'DONGHYUN', 'SUNGMIN', 'YOUNGHO', 'JAEWON', 'SEUNGHO'],
  female: ['SEOYEON', 'JIWOO', 'SOOJIN', 'EUNJI', 'YUNA', 'MINJI', 'HYEJIN', 'YOUNGMI'],
};

const TABLES: Partial<Record<NationalityCode, NameTable>> = {
  CHN: {
    family: ['WANG', 'LI', 'ZHANG', 'LIU', 'CHEN', 'YANG', 'ZHAO', 'HUANG', 'ZHOU', 'WU'],
    male: ['WEI', 'HAO', 'JIE', 'LEI', 'YONG', 'JUN', 'TAO', 'MING'],
    female: ['FANG', 'NA', 'MIN', 'JING', 'YAN', 'XIN', 'LI', 'TING'],
  },
  VNM: {
    family: ['NGUYEN', 'TRAN', 'LE', 'PHAM', 'HOANG', 'HUYNH', 'PHAN', 'VU', 'VO', 'DANG'],
    male: ['VAN AN', 'VAN MINH', 'DUC ANH', 'QUANG HUY', 'MINH TUAN', 'VAN HUNG', 'THANH LONG', 'HOANG NAM'],
    female: ['THI LAN', 'THI HOA', 'THI MAI', 'THI THU', 'THI NGOC', 'THI HUONG', 'THU TRANG', 'THI LINH'],
  },
  KOR: KOREAN,
  PRK: {
    family: ['KIM', 'RI', 'PAK', 'CHOE', 'KANG', 'HAN', 'KO', 'SONG', 'JON', 'YUN'],
    male: ['YONGSU', 'CHOLHO', 'SONGIL', 'KWANGCHOL', 'MYONGSU', 'TAEHO', 'SANGHUN', 'JUNHO'],
    female: ['YONGHUI', 'SUNHUI', 'MYONGOK', 'KYONGAE', 'HYANGSUK', 'OKSUN', 'CHUNJA', 'MIHWA'],
  },
  PHL: {
    family: ['SANTOS', 'REYES', 'CRUZ', 'BAUTISTA', 'GARCIA', 'MENDOZA', 'RAMOS', 'AQUINO', 'DELA CRUZ', 'VILLANUEVA'],
    male: ['JOSE', 'MARK ANTHONY', 'JOHN PAUL', 'CARLO', 'JEROME', 'RAFAEL', 'MICHAEL', 'ANGELO'],
    female: ['MARIA CRISTINA', 'ANGELICA', 'KRISTINE', 'JASMINE', 'RHEA', 'MARICEL', 'JOY', 'ROWENA'],
  },
  NPL: {
    family: ['SHRESTHA', 'GURUNG', 'TAMANG', 'MAGAR', 'RAI', 'THAPA', 'SHARMA', 'ADHIKARI', 'KARKI', 'KHADKA'],
    male: ['RAM', 'BIKASH', 'PRAKASH', 'SUMAN', 'NABIN', 'RAJESH', 'DIPAK', 'SANTOSH'],
    female: ['SITA', 'SUNITA', 'ANITA', 'POOJA', 'SARITA', 'GITA', 'KABITA', 'MANISHA'],
  },
  BRA: {
    family: ['SILVA', 'SANTOS', 'OLIVEIRA', 'SOUZA', 'PEREIRA', 'COSTA', 'NAKAMURA', 'YAMAMOTO', 'TANAKA', 'RODRIGUES'],
    male: ['LUCAS', 'GABRIEL', 'RAFAEL', 'BRUNO', 'THIAGO', 'MARCOS', 'PAULO', 'RICARDO'],
    female: ['ANA', 'JULIANA', 'MARIANA', 'FERNANDA', 'CAMILA', 'PATRICIA', 'BEATRIZ', 'LETICIA'],
  },
  IDN: {
    family: ['SAPUTRA', 'WIJAYA', 'HIDAYAT', 'KURNIAWAN', 'SETIAWAN', 'PRATAMA', 'SANTOSO', 'NUGROHO', 'LESTARI', 'SIREGAR'],
    male: ['BUDI', 'AGUS', 'RIZKY', 'ANDI', 'EKO', 'DEDI', 'FAJAR', 'HENDRA'],
    female: ['SITI', 'DEWI', 'PUTRI', 'WULAN', 'AYU', 'RINA', 'INDAH', 'NUR'],
  },
  MMR: {
    family: ['AUNG', 'KYAW', 'HTUN', 'WIN', 'THANT', 'MYINT', 'ZAW', 'SOE', 'NAING', 'OO'],
    male: ['THIHA', 'MIN MIN', 'YE YINT', 'NAY LIN', 'KO KO', 'ZAW MIN', 'AUNG KO', 'HTET'],
    female: ['SU SU', 'HNIN', 'EI PHYU', 'ZIN MAR', 'KHIN', 'THANDAR', 'MAY', 'NILAR'],
  },
  TWN: {
    family: ['CHEN', 'LIN', 'HUANG', 'CHANG', 'LEE', 'WANG', 'WU', 'LIU', 'TSAI', 'YANG'],
    male: ['CHIA-HAO', 'CHIH-WEI', 'PO-YU', 'CHUN-HUNG', 'WEI-LUN', 'CHIEN-HUNG', 'YU-CHENG', 'TSUNG-HAN'],
    female: ['YU-TING', 'SHU-FEN', 'YI-CHUN', 'HSIN-YI', 'PEI-SHAN', 'YA-WEN', 'MEI-LING', 'HUI-JU'],
  },
  USA: {
    family: ['SMITH', 'JOHNSON', 'WILLIAMS', 'BROWN', 'JONES', 'MILLER', 'DAVIS', 'WILSON', 'ANDERSON', 'TAYLOR'],
    male: ['JAMES', 'JOHN', 'MICHAEL', 'DAVID', 'DANIEL', 'ROBERT', 'MATTHEW', 'CHRISTOPHER'],
    female: ['MARY', 'JENNIFER', 'EMILY', 'SARAH', 'JESSICA', 'ELIZABETH', 'ASHLEY', 'LAUREN'],
  },
  THA: {
    family: ['SRISUK', 'WONGSA', 'CHAIYAPHUM', 'SAETANG', 'BOONMA', 'SUKSAWAT', 'PHROMMA', 'THONGDEE', 'KAEWKLA', 'INTHARA'],
    male: ['SOMCHAI', 'ANAN', 'KITTI', 'PRASERT', 'WICHAI', 'NATTAPONG', 'SURASAK', 'THANAWAT'],
    female: ['SUDA', 'NIRAN', 'SIRIPORN', 'KANYA', 'WANIDA', 'PORNTHIP', 'MALI', 'RATANA'],
  },
  LKA: {
    family: ['PERERA', 'FERNANDO', 'SILVA', 'JAYASINGHE', 'BANDARA', 'WICKRAMASINGHE', 'DISSANAYAKE', 'HERATH', 'RAJAPAKSA', 'KUMARA'],
    male: ['NUWAN', 'KASUN', 'CHAMARA', 'DINESH', 'SAMAN', 'RUWAN', 'THILINA', 'LAHIRU'],
    female: ['NADEESHA', 'DILINI', 'SANDUNI', 'CHAMARI', 'NIROSHA', 'THARUSHI', 'KAVINDI', 'HASINI'],
  },
  IND: {
    family: ['SHARMA', 'PATEL', 'SINGH', 'KUMAR', 'GUPTA', 'REDDY', 'IYER', 'NAIR', 'DAS', 'RAO'],
    male: ['RAHUL', 'AMIT', 'VIKRAM', 'ARJUN', 'SURESH', 'ANAND', 'KIRAN', 'RAVI'],
    female: ['PRIYA', 'ANJALI', 'DEEPA', 'LAKSHMI', 'KAVYA', 'NEHA', 'DIVYA', 'MEERA'],
  },
  PER: {
    family: ['QUISPE', 'FLORES', 'SANCHEZ', 'RODRIGUEZ', 'GARCIA', 'HIGA', 'TAMASHIRO', 'CHAVEZ', 'RAMIREZ', 'TORRES'],
    male: ['JUAN CARLOS', 'LUIS', 'JORGE', 'CARLOS', 'MIGUEL', 'JOSE LUIS', 'CESAR', 'DIEGO'],
    female: ['ROSA', 'CARMEN', 'MARIA ELENA', 'LUCIA', 'SOFIA', 'PATRICIA', 'GLORIA', 'ANA MARIA'],
  },
  BGD: {
    family: ['HOSSAIN', 'RAHMAN', 'ISLAM', 'AHMED', 'KHAN', 'UDDIN', 'AKTER', 'CHOWDHURY', 'MIAH', 'SARKER'],
    male: ['MOHAMMAD', 'RASHED', 'KAMAL', 'SHAHID', 'TANVIR', 'ARIF', 'HABIB', 'NASIR'],
    female: ['FATEMA', 'NASRIN', 'SHIRIN', 'RUMANA', 'TASNIM', 'SADIA', 'NUSRAT', 'FARZANA'],
  },
};

const DEFAULT_TABLE: NameTable = {
  family: ['MARTIN', 'MULLER', 'ROSSI', 'GARCIA', 'IVANOV', 'KOWALSKI', 'OKAFOR', 'YILMAZ', 'KARIMOV', 'BATBAYAR'],
  male: ['ALEXANDER', 'DANIEL', 'ALI', 'OMAR', 'PIERRE', 'ANDREI', 'DAVID', 'SAMUEL'],
  female: ['ANNA', 'MARIA', 'ELENA', 'SARAH', 'FATIMA', 'OLGA', 'GRACE', 'LAURA'],
};

/** A romanized family and given name, as the resident registry records a foreign resident's name. */
export function personName(random: Random, nationality: NationalityCode, sex: Sex): { familyName: string; givenName: string } {
  const table = TABLES[nationality] ?? DEFAULT_TABLE;
  const given = sex === 'MALE' ? table.male : sex === 'FEMALE' ? table.female : random.pick([table.male, table.female]);
  return { familyName: random.pick(table.family), givenName: random.pick(given) };
}

// Town names common all over Japan; the line is 町名 + 丁目-番-号 (plus a building and room now and then).
const TOWNS = [
  '本町', '栄町', '中央', '東町', '西町', '幸町', '緑町', '旭町', '若葉', '新町', '大手町', '桜町',
  '日の出町', '宮前', '松原', '青葉台', '南町', '北町', '寿町', '末広町', '錦町', '八幡町', '港町', '元町',
];
const BUILDINGS = ['ハイツ', 'コーポ', 'メゾン', 'レジデンス', 'グランドハイツ', 'パレス', 'サンハイム', 'ヴィラ'];

/** A plausible address line within a municipality, such as `栄町2-8-1 コーポ栄 203号室`. */
export function addressLine(random: Random): string {
  const town = random.pick(TOWNS);
  const line = `${town}${random.int(1, 5)}-${random.int(1, 30)}-${random.int(1, 25)}`;
  if (!random.chance(0.6)) return line;
  return `${line} ${random.pick(BUILDINGS)}${town.replace(/町$/, '')} ${random.int(1, 8)}0${random.int(1, 9)}号室`;
}
