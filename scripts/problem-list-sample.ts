/**
 * Writes docs/samples/personal-problem-list.csv: a personal-level problem list (个人层面问题清单) in
 * the shape of seed 003 (a sweep of 796 staff yielding 1,476 problems, one rectification measure
 * each, tracked monthly), as the template's columns, for POST /findings/import. Deterministic: the
 * same file every time. `npm run sample:list` writes it; `-- --check` fails when it is stale
 * (test/finding-import.e2e-spec.ts imports it). The benchmark draws its lists from here too.
 */
import { stringify } from 'csv-stringify/sync';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LIST_COLUMNS, type ListColumn } from '../src/finding-imports/problem-list';

export const SAMPLE_LIST = join(__dirname, '..', 'docs', 'samples', 'personal-problem-list.csv');

/** Seed 003's personal level: staff swept, problems listed. */
export const STAFF_SWEPT = 796;
export const PROBLEMS_LISTED = 1_476;

/** The departments of the test and demo hospitals (test/support/hospital.ts), by code, with where their staff work. */
const DEPARTMENTS = [
  { code: 'CARD', places: ['心血管内科病区', '心血管内科门诊', '导管室'] },
  { code: 'SURG', places: ['普外科病区', '手术室', '换药室'] },
  { code: 'LOGI', places: ['后勤保障部', '配电房', '食堂'] },
  { code: 'PRES', places: ['院办', '档案室'] },
  { code: 'PARTY', places: ['党办'] },
  { code: 'DISC', places: ['纪委办'] },
];

/** Problems of the kinds the sweep found (能力作风: service, discipline, skills, records, safety), each with its one measure. */
const CATEGORIES: { name: string; problems: [string, string][] }[] = [
  {
    name: '服务态度',
    problems: [
      ['解释病情不够耐心，患者反映沟通生硬', '参加医患沟通培训，每月接受科室服务评议'],
      ['接听咨询电话用语不规范', '按文明用语规范接听，科室每周抽查'],
      ['门诊候诊时未主动告知等候时间', '落实候诊告知制度，护士长每日检查'],
    ],
  },
  {
    name: '劳动纪律',
    problems: [
      ['交接班迟到，交接记录不完整', '按时交接班并逐项签字，护士长每周核查'],
      ['上班时间使用手机处理私人事务', '签订劳动纪律承诺书，科室不定期抽查'],
      ['值班期间离岗未报备', '严格执行离岗报备制度，纳入月度考核'],
    ],
  },
  {
    name: '业务能力',
    problems: [
      ['心肺复苏操作考核未达标', '参加岗位大练兵复训，一个月内重新考核'],
      ['新版诊疗规范掌握不熟', '完成规范线上学习并通过科室测试'],
      ['急救设备使用不熟练', '每周参加设备操作演练，由设备科考核'],
    ],
  },
  {
    name: '病历书写',
    problems: [
      ['病程记录未按时完成', '每日下班前完成病程记录，质控员每周抽查'],
      ['知情同意书签署不规范', '学习知情同意制度，上级医师逐份审核'],
      ['出院小结内容缺项', '按模板补齐缺项，病案室月度质控'],
    ],
  },
  {
    name: '安全管理',
    problems: [
      ['科室消防通道堆放杂物', '当日清理并指定专人每日巡查'],
      ['高警示药品未单独存放', '按规定分区存放并张贴警示标识'],
      ['手卫生依从性不达标', '参加院感培训，院感科每月抽查手卫生'],
    ],
  },
  {
    name: '工作作风',
    problems: [
      ['行政服务临床事项办理拖延', '建立事项台账，限时办结并反馈临床科室'],
      ['会议精神传达不及时', '会后三日内组织传达学习并留存记录'],
    ],
  },
];

const SEVERITY_BY_DRAW = ['minor', 'minor', 'minor', 'minor', 'minor', 'minor', 'major', 'major', 'major', 'critical'] as const;

/** A small linear congruential generator: the same list on every machine and every run. */
function draws(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
}

export type ListRecord = Partial<Record<ListColumn, string>>;

/**
 * `problems` problems found among `staff` people (each has one, some two or three), in the
 * template's columns. No deadline: each takes the default for its severity, so the list never ages
 * into deadlines already past. `prefix` starts every reference, so lists drawn for different
 * purposes never share one.
 */
export function personalProblemList(staff = STAFF_SWEPT, problems = PROBLEMS_LISTED, prefix = 'GR2023'): ListRecord[] {
  const next = draws(3);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)];
  // Every person has one problem; the rest go to people drawn at random.
  const counts = Array.from({ length: staff }, () => 1);
  for (let extra = problems - staff; extra > 0; extra--) counts[Math.floor(next() * staff)]++;
  const records: ListRecord[] = [];
  counts.forEach((count, person) => {
    const staffNo = `P${String(person + 1).padStart(4, '0')}`;
    const department = DEPARTMENTS[person % DEPARTMENTS.length];
    for (let n = 1; n <= count; n++) {
      const category = pick(CATEGORIES);
      const [problem, measure] = pick(category.problems);
      records.push({
        source: 'self_inspection',
        roundType: 'administrative',
        title: `${category.name}：${problem}`,
        description: `个人层面排查（全员排查）职工${staffNo}：${problem}。整改措施：${measure}。按月跟踪，纳入科室考核。`,
        severity: pick(SEVERITY_BY_DRAW),
        departmentCode: department.code,
        location: pick(department.places),
        externalRef: `${prefix}-${staffNo}-${n}`,
      });
    }
  });
  return records;
}

/** The list as CSV the way Excel saves it for Chinese text: UTF-8 with a BOM, the template's two header rows. */
export function listCsv(records: ListRecord[]): string {
  const headers = [LIST_COLUMNS.map((column) => column.zh), LIST_COLUMNS.map((column) => column.key)];
  return stringify([...headers, ...records.map((record) => LIST_COLUMNS.map((column) => record[column.key] ?? ''))], { bom: true });
}

if (require.main === module) {
  const expected = listCsv(personalProblemList());
  if (process.argv.includes('--check')) {
    if (readFileSync(SAMPLE_LIST, 'utf8') !== expected) {
      console.error(`${SAMPLE_LIST} is stale: run npm run sample:list`);
      process.exit(1);
    }
  } else {
    writeFileSync(SAMPLE_LIST, expected);
    console.log(`Wrote ${SAMPLE_LIST}`);
  }
}
