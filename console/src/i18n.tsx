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
  closureAudits: ['销号审核', 'Closure audits'],
  auditLog: ['审计日志', 'Audit log'],
  securityEvents: ['安全事件', 'Security events'],
  webhooks: ['通知端点', 'Notification endpoints'],
  finding: ['问题', 'Finding'],
  severity: ['严重程度', 'Severity'],
  state: ['状态', 'State'],
  queueReason: ['来源', 'Why audited'],
  requiredAudit: ['必审（廉洁或严重）', 'Required (integrity or critical)'],
  sampledIn: ['{month} 抽查', 'Sampled for {month}'],
  auditApprove: ['审核通过', 'Approve'],
  auditReject: ['审核驳回', 'Reject'],
  reopen: ['重新打开', 'Reopen'],
  note: ['备注', 'Note'],
  reason: ['理由', 'Reason'],
  caseFile: ['案卷', 'Case file'],
  openFinding: ['查看问题', 'Open the finding'],
  changedMeanwhile: ['此问题已被他人更改，请刷新后重试。', 'It changed meanwhile: reload and try again.'],
  notPossibleNow: ['{reason}（现在可执行：{events}）', '{reason} (possible now: {events})'],
  refused: ['被拒绝：{reason}', 'Refused: {reason}'],
  drawSample: ['抽取月度样本', 'Draw the month’s sample'],
  month: ['月份', 'Month'],
  sampleDrawn: ['{month}：从 {candidates} 个已销号问题中抽取 {size} 个', '{month}: {size} drawn from {candidates} closed findings'],
  sampleMethod: ['抽取方法', 'Method'],
  at: ['时间', 'When'],
  actor: ['操作人', 'Actor'],
  entityType: ['对象类型', 'Entity type'],
  entityId: ['对象编号', 'Entity id'],
  event: ['事件', 'Event'],
  actorId: ['操作人编号', 'Actor id'],
  period: ['时间范围', 'Period'],
  details: ['内容', 'Details'],
  withheld: ['（保密，未显示）', '(confidential, withheld)'],
  filter: ['筛选', 'Filter'],
  chainHead: ['链头', 'Chain head'],
  chainHeadAt: ['第 {seq} 条 · {at}', 'Entry {seq} · {at}'],
  verifyNow: ['立即校验', 'Verify now'],
  verifying: ['正在校验 {checked}/{total}', 'Verifying {checked}/{total}'],
  chainIntact: ['审计链完整：已校验 {checked} 条、{files} 个文件', 'The chain is intact: {checked} entries and {files} files checked'],
  chainBroken: ['审计链在第 {seq} 条断开：{reason}', 'The chain breaks at entry {seq}: {reason}'],
  verifyFailed: ['校验未完成：{reason}', 'Verification did not finish: {reason}'],
  system: ['系统', 'System'],
  url: ['地址', 'URL'],
  secret: ['签名密钥', 'Signing secret'],
  allEvents: ['全部通知类型', 'Every notice type'],
  anyRole: ['任何角色', 'Any role'],
  anyDepartment: ['任何科室', 'Any department'],
  noticeTypes: ['通知类型', 'Notice types'],
  integrityMarked: ['接收廉洁通知', 'Takes integrity notices'],
  registerEndpoint: ['登记端点', 'Register an endpoint'],
  remove: ['删除', 'Remove'],
  removeConfirm: ['删除端点 {url}？', 'Remove the endpoint {url}?'],
  deliveries: ['投递记录', 'Deliveries'],
  attempts: ['尝试次数', 'Tries'],
  nextAttemptAt: ['下次尝试', 'Next try'],
  deliveredAt: ['送达时间', 'Delivered'],
  lastError: ['最近错误', 'Last error'],
  retry: ['重试', 'Retry'],
  retried: ['已重新排队', 'Queued again'],
  pending: ['待投递', 'Pending'],
  delivered: ['已送达', 'Delivered'],
  dead: ['已放弃', 'Dead'],
  allStatuses: ['全部状态', 'Every status'],
  notice: ['通知', 'Notice'],
  search: ['查询', 'Search'],
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
