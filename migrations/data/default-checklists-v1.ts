/**
 * The checklists shipped as version 1 of each round type, drawn from the hospital papers in
 * shared/seeds (each item cites file and line). Frozen with the migration that inserts them: a
 * hospital changes its standard by publishing a new version, never by editing this file.
 * Maximum deductions add up to 100 per checklist, the scale every round type shares.
 */
export interface DefaultChecklistItem {
  code: string;
  title: string;
  titleEn: string;
  category: string;
  standard: string;
  maxDeduction: number;
  veto: boolean;
  source: string;
}

export interface DefaultChecklist {
  roundType: 'administrative' | 'party_building' | 'integrity';
  title: string;
  items: DefaultChecklistItem[];
}

const seed = (file: string, line: number) => `seeds/${file}.txt:${line}`;
const S000 = '000_db4d6f0643544ed8';
const S001 = '001_8ecef56166905f73';
const S002 = '002_e265f1a3599b6b38';
const S003 = '003_11fc207df480b86c';
const S004 = '004_73cb4639ccfdd054';

export const DEFAULT_CHECKLISTS_V1: DefaultChecklist[] = [
  {
    roundType: 'party_building',
    title: '党建查房检查表 — Party-building round checklist',
    items: [
      {
        code: 'PB-01',
        title: '“三会一课”按时召开并有记录',
        titleEn: '"Three meetings and one lecture" held on time and minuted',
        category: '组织生活',
        standard: '支部党员大会、支委会、党小组会和党课按规定频次召开，会议记录完整、可查。',
        maxDeduction: 15,
        veto: false,
        source: `${seed(S002, 69)}; ${seed(S001, 16)}`,
      },
      {
        code: 'PB-02',
        title: '支部主题党日活动规范开展',
        titleEn: 'Branch Party day held each month with a theme',
        category: '组织生活',
        standard: '每月开展主题党日活动（“主题党日+”），有计划、有记录、有成效。',
        maxDeduction: 10,
        veto: false,
        source: `${seed(S000, 41)}; ${seed(S002, 69)}`,
      },
      {
        code: 'PB-03',
        title: '党员亮身份',
        titleEn: 'Party members show their membership at work',
        category: '党员管理',
        standard: '办公场所、服务窗口、医生简介、就诊室等标识党员身份。',
        maxDeduction: 10,
        veto: false,
        source: `${seed(S002, 161)}; ${seed(S002, 23)}`,
      },
      {
        code: 'PB-04',
        title: '“双带头人”支部书记',
        titleEn: 'Branch secretary is also the department head ("double leader")',
        category: '组织建设',
        standard: '党支部建在科室上，支部书记原则上由科室负责人担任，落实“双带头人”培育。',
        maxDeduction: 10,
        veto: false,
        source: `${seed(S001, 21)}; ${seed(S004, 88)}; ${seed(S003, 58)}`,
      },
      {
        code: 'PB-05',
        title: '党支部按期换届',
        titleEn: 'Branch committee elected on time',
        category: '组织建设',
        standard: '支部委员会任期届满按期换届选举，程序规范。',
        maxDeduction: 10,
        veto: false,
        source: seed(S002, 69),
      },
      {
        code: 'PB-06',
        title: '意识形态工作责任落实',
        titleEn: 'Ideological work: responsibility assigned and positions managed',
        category: '思想建设',
        standard: '落实意识形态工作责任制，科室宣传栏、公众号等阵地可管可控。',
        maxDeduction: 10,
        veto: false,
        source: seed(S001, 17),
      },
      {
        code: 'PB-07',
        title: '民主评议党员与谈心谈话',
        titleEn: 'Members appraised democratically; heart-to-heart talks held',
        category: '组织生活',
        standard: '按规定开展民主评议党员、组织生活会和谈心谈话，有记录。',
        maxDeduction: 10,
        veto: false,
        source: seed(S002, 69),
      },
      {
        code: 'PB-08',
        title: '无党组织书记空缺3个月以上',
        titleEn: 'No branch secretary post vacant for over three months (bottom line)',
        category: '底线标准',
        standard: '党组织书记空缺不超过3个月。',
        maxDeduction: 15,
        veto: true,
        source: seed(S002, 56),
      },
      {
        code: 'PB-09',
        title: '无不上党课、不参加组织生活的“特殊党员”',
        titleEn: 'No leading cadre skips Party lectures or branch life (bottom line)',
        category: '底线标准',
        standard: '党员领导干部按规定讲党课、参加所在支部组织生活会。',
        maxDeduction: 10,
        veto: true,
        source: seed(S002, 60),
      },
    ],
  },
  {
    roundType: 'integrity',
    title: '廉政查房检查表 — Integrity round checklist',
    items: [
      {
        code: 'INT-01',
        title: '落实《医疗机构工作人员廉洁从业九项准则》',
        titleEn: 'The Nine Integrity Rules for medical staff are known and kept',
        category: '廉洁从业',
        standard: '科室组织学习九项准则，医务人员知晓并遵守，无违反准则的行为。',
        maxDeduction: 15,
        veto: false,
        source: `${seed(S001, 38)}; ${seed(S004, 63)}`,
      },
      {
        code: 'INT-02',
        title: '无收受“红包”、回扣',
        titleEn: 'No red envelopes, kickbacks or disguised bribery (bottom line)',
        category: '底线标准',
        standard: '无收受患者“红包”、医药购销回扣及各类变相商业贿赂行为。',
        maxDeduction: 20,
        veto: true,
        source: `${seed(S002, 211)}; ${seed(S002, 25)}`,
      },
      {
        code: 'INT-03',
        title: '处方点评与合理用药',
        titleEn: 'Prescriptions reviewed; rational use of drugs and tests',
        category: '诊疗行为',
        standard: '开展处方点评，合理检查、合理用药，问题处方有整改。',
        maxDeduction: 15,
        veto: false,
        source: seed(S002, 211),
      },
      {
        code: 'INT-04',
        title: '药品耗材采购与使用管理',
        titleEn: 'Procurement and use of drugs and consumables follow the rules',
        category: '重点领域',
        standard: '药品、耗材、大宗物资采购按制度执行，使用有监测，无违规引进。',
        maxDeduction: 15,
        veto: false,
        source: `${seed(S002, 205)}; ${seed(S004, 102)}`,
      },
      {
        code: 'INT-05',
        title: '严查“大处方、滥检查、高耗材”',
        titleEn: 'No oversized prescriptions, needless tests or excessive consumables',
        category: '诊疗行为',
        standard: '对大处方、滥检查、高耗材开展监测，苗头性问题及时预警处置。',
        maxDeduction: 10,
        veto: false,
        source: seed(S004, 63),
      },
      {
        code: 'INT-06',
        title: '无违反中央八项规定精神的行为',
        titleEn: 'No breach of the Central Committee\'s Eight-point Rules (bottom line)',
        category: '底线标准',
        standard: '无违规吃喝、收送礼品礼金、“酒局”“牌局”等违反八项规定精神的行为。',
        maxDeduction: 10,
        veto: true,
        source: `${seed(S002, 105)}; ${seed(S001, 42)}`,
      },
      {
        code: 'INT-07',
        title: '廉洁风险排查与防控清单',
        titleEn: 'Integrity risks identified and a prevention list kept',
        category: '风险防控',
        standard: '科室开展廉洁风险排查，建立廉洁风险防控清单，重要岗位定期轮岗。',
        maxDeduction: 10,
        veto: false,
        source: seed(S002, 205),
      },
      {
        code: 'INT-08',
        title: '廉洁从医教育与警示教育',
        titleEn: 'Integrity education and warning education held',
        category: '教育',
        standard: '常态化开展廉洁从医教育和警示教育，有记录。',
        maxDeduction: 5,
        veto: false,
        source: `${seed(S001, 38)}; ${seed(S002, 217)}`,
      },
    ],
  },
  {
    roundType: 'administrative',
    title: '行政查房检查表 — Administrative round checklist',
    items: [
      {
        code: 'ADM-01',
        title: '落实18项医疗质量安全核心制度',
        titleEn: 'The 18 core medical-quality and safety systems are applied',
        category: '医疗质量',
        standard: '首诊负责、三级查房、会诊、疑难病例讨论、交接班等核心制度有效执行。',
        maxDeduction: 20,
        veto: false,
        source: `${seed(S002, 151)}; ${seed(S004, 25)}`,
      },
      {
        code: 'ADM-02',
        title: '病历书写与质控',
        titleEn: 'Medical records written and quality-checked',
        category: '医疗质量',
        standard: '病历书写及时规范，科室开展病历质控。',
        maxDeduction: 10,
        veto: false,
        source: seed(S004, 25),
      },
      {
        code: 'ADM-03',
        title: '服务流程与等候时间',
        titleEn: 'Service flow: registration queue no longer than 8 minutes',
        category: '服务流程',
        standard: '现场挂号排队时间不超过8分钟；检查检验预约、智慧结算等便民措施运行正常。',
        maxDeduction: 10,
        veto: false,
        source: seed(S002, 137),
      },
      {
        code: 'ADM-04',
        title: '医患沟通与投诉处理',
        titleEn: 'Patient communication and complaints handled',
        category: '服务流程',
        standard: '投诉沟通渠道畅通，投诉按时处理并反馈。',
        maxDeduction: 10,
        veto: false,
        source: `${seed(S002, 161)}; ${seed(S002, 23)}`,
      },
      {
        code: 'ADM-05',
        title: '安全应急演练',
        titleEn: 'Safety and emergency drills held',
        category: '安全',
        standard: '按计划开展安全应急演练，医务人员熟悉应急流程。',
        maxDeduction: 10,
        veto: false,
        source: seed(S003, 36),
      },
      {
        code: 'ADM-06',
        title: '无重大安全生产事故、重大污染事故',
        titleEn: 'No major work-safety or pollution accident (bottom line)',
        category: '底线标准',
        standard: '科室无重大安全生产事故和重大污染事故，隐患及时消除。',
        maxDeduction: 15,
        veto: true,
        source: seed(S002, 113),
      },
      {
        code: 'ADM-07',
        title: '就医环境与就医体验',
        titleEn: 'Care environment and patient experience',
        category: '环境',
        standard: '病区、诊室整洁有序，标识清楚，改善群众就医体验的措施落实。',
        maxDeduction: 10,
        veto: false,
        source: seed(S004, 63),
      },
      {
        code: 'ADM-08',
        title: '行政服务临床',
        titleEn: 'Functional departments serve the clinical ones',
        category: '行政服务',
        standard: '职能科室包联临床科室，临床反映的问题有回应、有解决。',
        maxDeduction: 15,
        veto: false,
        source: seed(S003, 78),
      },
    ],
  },
];
