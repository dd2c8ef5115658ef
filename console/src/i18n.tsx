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
  nothingYet: ['控制台目前只有管理员的页面；您的工作请在平板应用 /app 中进行。', 'The console has only the administrator’s pages so far; your work is in the tablet app at /app.'],
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
  dashboard: ['驾驶舱', 'Dashboard'],
  monthAgainstLast: ['本月（{month}）与上月（{last}）', 'This month ({month}) against last ({last})'],
  foundInMonth: ['本月发现', 'Found'],
  closedInMonth: ['本月销号', 'Closed'],
  overdueAtMonthEnd: ['逾期（月末）', 'Overdue at month end'],
  averageAssessment: ['平均考核分', 'Average assessment'],
  lastMonthWas: ['上月 {value}', 'last month {value}'],
  up: ['上升', 'up'],
  down: ['下降', 'down'],
  supervisionLights: ['督办红黄绿灯（未销号）', 'Supervision lights (open)'],
  openByDepartment: ['各科室未销号与逾期', 'Open and overdue by department'],
  openFindings: ['未销号', 'Open'],
  overdue: ['逾期', 'Overdue'],
  byWeek: ['近 12 周登记与销号', 'Logged and closed, last 12 weeks'],
  opened: ['登记', 'Logged'],
  closed: ['销号', 'Closed'],
  rankings: ['{month} 考核排名', 'Rankings, {month}'],
  rank: ['排名', 'Rank'],
  assessment: ['考核分', 'Assessment'],
  lastMonth: ['与上月比', 'Against last month'],
  grade: ['等级', 'Grade'],
  oldestOverdue: ['逾期最久的问题', 'Longest overdue'],
  findingTitle: ['问题', 'Finding'],
  roundType: ['查房类型', 'Round type'],
  due: ['应完成', 'Due'],
  checklists: ['检查表模板', 'Checklists'],
  newVersion: ['新建版本', 'New version'],
  newVersionFrom: ['以此新建版本', 'New version from this'],
  newVersionWhy: ['保存后成为新版本，此后计划的查房使用它；已计划和进行中的查房保留原版本。', 'Saved, it becomes a new version that rounds planned from now on use; rounds already planned or under way keep theirs.'],
  publishVersion: ['发布新版本', 'Publish the new version'],
  checklistTitle: ['检查表名称', 'Checklist title'],
  version: ['版本', 'Version'],
  currentVersion: ['当前', 'Current'],
  itemCount: ['条目数', 'Items'],
  publishedAt: ['发布时间', 'Published'],
  view: ['查看', 'View'],
  itemTitle: ['条目', 'Item'],
  itemTitleEn: ['条目（英文）', 'Item (English)'],
  category: ['类别', 'Category'],
  standard: ['标准', 'Standard'],
  maxDeduction: ['最高扣分', 'Max deduction'],
  veto: ['一票否决', 'Veto'],
  itemSource: ['依据', 'Source'],
  addItem: ['添加条目', 'Add an item'],
  removeItem: ['删除', 'Remove'],
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
