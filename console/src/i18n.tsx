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
  nothingYet: ['控制台还没有您的角色的页面；您的工作请在平板应用 /app 中进行。', 'The console has no page for your roles yet; your work is in the tablet app at /app.'],
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
  findings: ['问题清单', 'Problem list'],
  verificationQueue: ['待验证', 'Verification queue'],
  followUps: ['回头看', 'Follow-ups'],
  roundType: ['查房类型', 'Round type'],
  source: ['问题来源', 'Source'],
  state: ['状态', 'State'],
  light: ['督办灯', 'Supervision light'],
  severity: ['严重程度', 'Severity'],
  overdueOnly: ['仅逾期', 'Overdue only'],
  createdBetween: ['登记日期', 'Logged between'],
  closedBetween: ['结案日期', 'Closed between'],
  title: ['问题', 'Finding'],
  deadline: ['整改时限', 'Deadline'],
  daysOverdue: ['逾期天数', 'Days overdue'],
  responsiblePerson: ['责任人', 'Responsible person'],
  savedViews: ['已存视图', 'Saved views'],
  saveView: ['保存视图', 'Save this view'],
  viewName: ['视图名称', 'View name'],
  deleteView: ['删除视图 {name}', 'Delete view {name}'],
  savedViewsWhere: ['视图保存在本机浏览器中，仅您本人可见。', 'Views are kept in this browser, for you alone.'],
  exportXlsx: ['导出 Excel', 'Export to Excel'],
  exportCsv: ['导出 CSV', 'Export to CSV'],
  exportProgress: ['导出进度', 'Export progress'],
  exportDone: ['导出完成：{rows} 行', 'Export done: {rows} rows'],
  exportFailed: ['导出失败：{reason}', 'Export failed: {reason}'],
  download: ['下载', 'Download'],
  timeline: ['处理记录', 'Timeline'],
  evidence: ['整改材料', 'Evidence'],
  photos: ['现场照片', 'Photos'],
  measures: ['整改措施', 'Measures'],
  description: ['描述', 'Description'],
  caseFile: ['案卷', 'Case file'],
  reload: ['重新读取', 'Reload'],
  noActions: ['您现在不能对此问题进行操作。', 'There is nothing you may do with this finding now.'],
  changedMeanwhile: ['此问题已被他人修改，请重新读取后再操作。', 'The finding changed meanwhile: reload it and try again.'],
  notNow: ['现在不能执行：{reason}。可执行的操作：{events}', 'Not possible now: {reason}. Available: {events}'],
  reason: ['理由', 'Reason'],
  note: ['备注', 'Note'],
  newDepartment: ['新责任科室', 'New department'],
  newDeadline: ['新时限', 'New deadline'],
  dueOn: ['应于', 'Due on'],
  back: ['返回清单', 'Back to the list'],
  withheld: ['（内容保密）', '(withheld)'],
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
