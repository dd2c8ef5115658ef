import { ConfigProvider } from 'antd';
import enUS from 'antd/es/locale/en_US';
import zhCN from 'antd/es/locale/zh_CN';
import { ReactNode, createContext, useContext, useEffect, useState } from 'react';
import { type Labels, type Language, labelOf } from '../../workflows/labels';

/** The console's own words, [中文, English]; workflow names (roles, round types) come from workflows/labels.ts. */
const WORDS = {
  appName: ['三查 · 管理控制台', 'Triple rounds · Office console'],
  username: ['用户名', 'Username'],
  password: ['密码', 'Password'],
  signIn: ['登录', 'Sign in'],
  signInFailed: ['用户名或密码不正确', 'Wrong username or password'],
  signOut: ['退出登录', 'Sign out'],
  language: ['语言', 'Language'],
  changePassword: ['修改密码', 'Change your password'],
  changePasswordWhy: ['管理员重置了您的密码：请先设置新密码。', 'An administrator reset your password: choose a new one first.'],
  currentPassword: ['当前密码', 'Current password'],
  newPassword: ['新密码', 'New password'],
  departments: ['部门', 'Departments'],
  people: ['人员', 'People'],
  tablets: ['平板', 'Tablets'],
  welcome: ['欢迎，{name}', 'Welcome, {name}'],
  nothingYet: ['控制台没有您的页面；您的工作请在平板应用 /app 中进行。', 'The console has no pages for you; your work is in the tablet app at /app.'],
  notAllowed: ['您的角色不能使用此页面。', 'Your roles do not allow this page.'],
  notFound: ['没有这个页面。', 'There is no such page.'],
  home: ['首页', 'Home'],
  create: ['新建', 'Create'],
  edit: ['编辑', 'Edit'],
  save: ['保存', 'Save'],
  cancel: ['取消', 'Cancel'],
  close: ['关闭', 'Close'],
  actions: ['操作', 'Actions'],
  saved: ['已保存', 'Saved'],
  saveFailed: ['未保存：{reason}', 'Not saved: {reason}'],
  loadFailed: ['读取失败：{reason}', 'Could not load: {reason}'],
  required: ['必填', 'Required'],
  code: ['代码', 'Code'],
  name: ['名称', 'Name'],
  kind: ['类型', 'Kind'],
  functional: ['职能科室', 'Functional'],
  clinical: ['临床科室', 'Clinical'],
  leadOfficeFor: ['牵头部门（查房类型）', 'Lead office for'],
  partyBranch: ['党支部', 'Party branch'],
  none: ['无', 'None'],
  displayName: ['姓名', 'Name'],
  roles: ['角色', 'Roles'],
  department: ['科室', 'Department'],
  status: ['状态', 'Status'],
  active: ['在用', 'Active'],
  disabled: ['已停用', 'Disabled'],
  disable: ['停用', 'Disable'],
  enable: ['启用', 'Enable'],
  initialPassword: ['初始密码', 'Initial password'],
  resetPassword: ['重置密码', 'Reset password'],
  resetPasswordConfirm: ['重置 {name} 的密码？其原密码立即失效。', 'Reset {name}’s password? The old one stops working at once.'],
  temporaryPassword: ['临时密码', 'Temporary password'],
  shownOnce: ['只显示这一次：请现在交给本人。关闭后无法再次查看。', 'Shown this once: hand it over now. It cannot be seen again after closing.'],
  registerTablet: ['登记平板', 'Register a tablet'],
  tabletName: ['平板名称', 'Tablet name'],
  actsAs: ['代表的检查员', 'Acts as inspector'],
  registeredAt: ['登记时间', 'Registered'],
  revoked: ['已吊销', 'Revoked'],
  revoke: ['吊销', 'Revoke'],
  revokeConfirm: ['吊销平板“{name}”？它将立即无法访问。', 'Revoke the tablet “{name}”? It loses access at once.'],
  tabletToken: ['平板令牌', 'Tablet token'],
  tabletQr: ['平板令牌二维码', 'QR code of the tablet token'],
  tokenShownOnce: ['令牌只显示这一次：现在在平板上扫描二维码或输入令牌。', 'The token is shown this once: scan the QR code or enter the token on the tablet now.'],
  total: ['共 {n} 条', '{n} in all'],
  searchPeople: ['搜索用户名或姓名', 'Search username or name'],
  searchDepartments: ['搜索代码或名称', 'Search code or name'],
  roundCalendar: ['查房日历', 'Round calendar'],
  previousMonth: ['上个月', 'Previous month'],
  nextMonth: ['下个月', 'Next month'],
  planRound: ['安排查房', 'Plan a round'],
  planRecurring: ['周期计划', 'Recurring plan'],
  myPlans: ['我的周期计划', 'My plans'],
  roundTypes: ['查房类型', 'Round types'],
  scheduledFor: ['查房日期', 'Date'],
  teamMembers: ['查房组成员', 'Team members'],
  teamMembersHint: ['输入成员的用户 ID，以逗号分隔', 'Members’ user ids, separated by commas'],
  unannounced: ['明察暗访（不提前通知科室）', 'Unannounced (the department is not told)'],
  secretaryRound: ['书记查房', 'Secretary round'],
  listedDepartments: ['指定科室', 'Listed departments'],
  departmentsOfKind: ['某类全部科室', 'Every department of a kind'],
  departmentOrder: ['科室顺序', 'Departments'],
  everyDepartment: ['每次全部科室', 'All at each occurrence'],
  inTurn: ['每次轮流一个', 'One in turn'],
  rule: ['周期', 'Recurrence'],
  customRule: ['自定义（RRULE）', 'Custom (RRULE)'],
  weeklyOn: ['每周{day}', 'Weekly on {day}'],
  monday: ['一', 'Monday'],
  tuesday: ['二', 'Tuesday'],
  wednesday: ['三', 'Wednesday'],
  thursday: ['四', 'Thursday'],
  friday: ['五', 'Friday'],
  monthlyFirstMonday: ['每月第一个周一', 'Monthly on the first Monday'],
  monthlyFirstDay: ['每月 1 日', 'Monthly on the 1st'],
  startsOn: ['开始日期', 'Starts on'],
  until: ['结束日期', 'Until'],
  skipped: ['已跳过', 'Skipped'],
  skipOccurrence: ['跳过一次', 'Skip a date'],
  date: ['日期', 'Date'],
  deletePlan: ['删除计划', 'Delete plan'],
  deletePlanConfirm: ['删除此计划？尚未开始的查房将被取消。', 'Delete this plan? Its rounds not started are cancelled.'],
  coverage: ['查房覆盖', 'Coverage'],
  month: ['月份（YYYY-MM）', 'Month (YYYY-MM)'],
  year: ['年度', 'Year'],
  period: ['期间', 'Period'],
  show: ['查看', 'Show'],
  badPeriod: ['格式不正确', 'Not a valid month or year'],
  downloadXlsx: ['下载 Excel', 'Download xlsx'],
  planned: ['计划', 'Planned'],
  held: ['已查', 'Held'],
  cancelled: ['取消', 'Cancelled'],
  lastVisit: ['最近查房', 'Last visit'],
  notVisited: ['{type}未覆盖：', 'Not visited ({type}):'],
  monthlyTracking: ['月度跟踪与通报', 'Monthly tracking'],
  monthNotice: ['本月通报', 'Month’s notice'],
  yearNotice: ['{year} 年度通报', 'Notice of {year}'],
  publishMonth: ['发布本月', 'Publish the month'],
  publishConfirm: ['发布 {month} 的通报和考核？发布后数据以发布时为准。', 'Publish the notice and assessments of {month}? They are frozen as they are now.'],
  publishedAt: ['已于 {at} 发布', 'Published {at}'],
  roundsHeld: ['查房次数', 'Rounds held'],
  averageScore: ['平均得分', 'Average score'],
  found: ['发现问题', 'Found'],
  closedOnTime: ['按时销号', 'Closed on time'],
  closedLate: ['逾期销号', 'Closed late'],
  overdue: ['月末逾期', 'Overdue at month end'],
  relapses: ['反弹', 'Relapses'],
  assessment: ['考核得分', 'Assessment'],
  assessments: ['考核', 'Assessments'],
  grade: ['等级', 'Grade'],
  rank: ['排名', 'Rank'],
  tied: ['（{n} 个并列）', '({n} tied)'],
  eligible: ['可参评', 'Eligible'],
  branchRank: ['支部内排名', 'Branch rank'],
  yes: ['是', 'Yes'],
  no: ['否', 'No'],
} satisfies Record<string, [string, string]>;

export type Word = keyof typeof WORDS;
export type Lang = Language;

const LANGUAGE = 'console.language';

/** Ant Design's colours darkened where its defaults fall short of WCAG AA contrast (4.5:1) on white. */
const THEME = {
  token: {
    colorPrimary: '#0958d9',
    colorError: '#cf1322',
    colorLink: '#0958d9',
    colorTextDescription: 'rgba(0, 0, 0, 0.65)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.6)',
  },
};
const LangContext = createContext<{ lang: Lang; setLang: (lang: Lang) => void }>({ lang: 'zh', setLang: () => undefined });

/** Chinese unless the person chose English on this computer. */
export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLang] = useState<Lang>(localStorage.getItem(LANGUAGE) === 'en' ? 'en' : 'zh');
  useEffect(() => {
    localStorage.setItem(LANGUAGE, lang);
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);
  return (
    <LangContext.Provider value={{ lang, setLang }}>
      <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} theme={THEME}>{children}</ConfigProvider>
    </LangContext.Provider>
  );
}

/** `t('welcome', { name })`, and `label('role', 'admin')` for the workflow's shared names. */
export function useT() {
  const { lang, setLang } = useContext(LangContext);
  const t = (word: Word, values: Record<string, string | number> = {}) =>
    WORDS[word][lang === 'zh' ? 0 : 1].replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? ''));
  const label = (group: keyof Labels, name: string) => labelOf(group, name)?.[lang] ?? name;
  return { t, label, lang, setLang };
}
