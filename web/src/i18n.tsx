import { ConfigProvider } from 'antd-mobile';
import enUS from 'antd-mobile/es/locales/en-US';
import zhCN from 'antd-mobile/es/locales/zh-CN';
import { ReactNode, createContext, useContext, useState } from 'react';
import { type Labels, type Language, labelOf } from '../../workflows/labels';

export type Lang = Language;

const WORDS = {
  appName: ['三查 · 查房与整改', 'Triple rounds'],
  username: ['用户名', 'Username'],
  password: ['密码', 'Password'],
  signIn: ['登录', 'Sign in'],
  signInFailed: ['用户名或密码不正确', 'Wrong username or password'],
  enrolTablet: ['登记本平板', 'Enrol this tablet'],
  enrolHow: ['扫描管理员在控制台登记平板时显示的二维码，或输入其下方的令牌。', 'Scan the QR code the console showed when an administrator registered this tablet, or type the token shown below it.'],
  scanQr: ['用相机扫描二维码', 'Scan the QR code with the camera'],
  cameraFailed: ['无法打开相机：请输入令牌', 'The camera could not be opened: type the token instead'],
  deviceToken: ['平板令牌（粘贴或输入）', 'Tablet token (paste or type)'],
  enrol: ['登记', 'Enrol'],
  enrolAs: ['将本设备登记为 {name} 的检查平板？此后本设备上的操作都记在 {name} 名下。', 'Enrol this device as {name}’s inspection tablet? Everything done on it will then be recorded as {name}’s.'],
  enrolSignsOut: ['当前登录的 {name} 将被登出。', '{name}, signed in now, will be signed out.'],
  enrolmentRefused: ['本平板的令牌被拒绝：它已被撤销，或所代表的检查员已停用。请管理员重新登记本平板。', "This tablet's token was refused: it has been revoked, or its inspector disabled. Ask an administrator to register the tablet again."],
  enrolmentUnreachable: ['无法连接服务，本平板未登记：请联网后重试。', 'The service could not be reached, so the tablet is not enrolled: try again online.'],
  notATabletToken: ['这不是平板令牌，也不是登记链接。', 'This is neither a tablet token nor an enrolment link.'],
  enrolledTablet: ['已登记的平板', 'Enrolled tablet'],
  actingAs: ['代表 {name} 进行检查', 'Acting as {name}, for inspector work'],
  unenrol: ['取消登记', 'Unenrol'],
  unenrolConfirm: ['取消登记后，本平板需重新扫码登记才能使用。确定取消登记？', 'Once unenrolled, the tablet needs its QR code scanned again to be used. Unenrol?'],
  unenrolUnsent: ['还有 {n} 项未发送：它们保留在本设备上，{name} 下次在此登录或本平板重新登记时发送。确定取消登记？', '{n} items are not sent yet: they stay on this device and are sent when {name} next signs in here or the tablet is enrolled again. Unenrol?'],
  rounds: ['查房', 'Rounds'],
  myFindings: ['本科室问题', 'My department'],
  verifyQueue: ['待验证', 'To verify'],
  auditQueue: ['结案审核', 'Closure audit'],
  followUps: ['回头看', 'Follow-up checks'],
  notifications: ['通知', 'Notifications'],
  outbox: ['待发送', 'Outbox'],
  me: ['我的', 'Me'],
  language: ['语言', 'Language'],
  signOut: ['退出登录', 'Sign out'],
  signOutUnsent: ['还有 {n} 项未发送：它们保留在本设备上，您下次在此登录时发送，其他人看不到。确定退出？', '{n} items are not sent yet: they stay on this device, unseen by others, and are sent when you next sign in here. Sign out?'],
  confirm: ['确定', 'Confirm'],
  cancel: ['取消', 'Cancel'],
  start: ['开始查房', 'Start round'],
  submitRound: ['提交查房', 'Submit round'],
  scheduledFor: ['计划日期', 'Scheduled'],
  pass: ['合格', 'Pass'],
  fail: ['不合格', 'Fail'],
  notApplicable: ['不适用', 'N/A'],
  logFinding: ['记录问题', 'Log a finding'],
  title: ['问题', 'Title'],
  description: ['描述', 'Description'],
  severity: ['严重程度', 'Severity'],
  department: ['责任科室', 'Responsible department'],
  note: ['备注', 'Note'],
  photos: ['照片', 'Photos'],
  addPhoto: ['拍照 / 选择照片', 'Take or choose a photo'],
  save: ['保存', 'Save'],
  required: ['必填', 'Required'],
  savedOffline: ['已保存在本设备，联网后自动发送', 'Saved on this device; it is sent when the network returns'],
  sent: ['已发送', 'Sent'],
  pending: ['待发送', 'Waiting to send'],
  refused: ['被拒绝', 'Refused'],
  retry: ['重试', 'Retry'],
  discard: ['删除', 'Discard'],
  outboxEmpty: ['没有待发送的内容', 'Nothing waiting to be sent'],
  unattributed: ['另有 {n} 项由旧版本保存，未记录是谁所做：保留在本设备上，不显示也不发送。', '{n} more items, saved by an earlier version that did not record who made them, are kept on this device, neither shown nor sent.'],
  offline: ['离线：新记录保存在本设备', 'Offline: new entries stay on this device'],
  deadline: ['整改时限', 'Deadline'],
  state: ['状态', 'State'],
  evidence: ['整改证据', 'Evidence'],
  finding: ['问题详情', 'Finding'],
  round: ['查房详情', 'Round'],
  history: ['处理记录', 'History'],
  nothing: ['暂无', 'Nothing here'],
  measures: ['整改措施', 'Measures'],
  committedDate: ['承诺完成日期', 'Committed date'],
  reason: ['原因', 'Reason'],
  proposedDeadline: ['申请的新时限', 'Proposed deadline'],
  evidenceDate: ['证据日期', 'Evidence date'],
  files: ['附件', 'Files'],
  chainOk: ['审计链完整', 'Audit chain intact'],
  chainBroken: ['审计链异常', 'Audit chain broken'],
  entriesChecked: ['已校验 {n} 条', '{n} entries checked'],
  required_reason: ['必审', 'Required'],
  sampled: ['抽查', 'Sampled'],
  back: ['返回', 'Back'],
  caseFile: ['案卷', 'Case file'],
  print: ['打印', 'Print'],
  close: ['关闭', 'Close'],
  linked: ['已链接', 'Linked'],
  notLinked: ['链接断开', 'Not linked'],
  linking: ['待链接', 'Being linked'],
  fileIntact: ['文件完好', 'File intact'],
  fileChanged: ['文件被改动', 'File changed'],
  items: ['项', 'items'],
  score: ['得分', 'Score'],
  open: ['打开', 'Open'],
  source: ['来源', 'Source'],
  listReference: ['清单编号', 'List reference'],
  light: ['{light}', '{light} light'],
  receipt: ['签收', 'Receipt'],
  receiptDue: ['签收期限', 'sign for by'],
  youAreResponsible: ['您是责任人', 'You are the responsible person'],
  followUpDue: ['回头看日期', 'Follow-up check due'],
  relapses: ['反弹 {n} 次', 'Relapsed {n}×'],
  newDeadline: ['新的整改时限', 'New deadline'],
} as const satisfies Record<string, readonly [string, string]>;

export type Word = keyof typeof WORDS;
export type Translate = (word: Word, values?: Record<string, string | number>) => string;
/** The name of one of the domain's identifiers (a state, an event, a role…), from the service's own labels. */
export type LabelFor = (group: keyof Labels, name: string) => string;

const LangContext = createContext<{ lang: Lang; setLang(lang: Lang): void; t: Translate; label: LabelFor }>(null as never);

/** Chinese unless the user chose English on this device. */
export function LangProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(localStorage.getItem('lang') === 'en' ? 'en' : 'zh');
  const setLang = (next: Lang) => {
    localStorage.setItem('lang', next);
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
    setLangState(next);
  };
  const t: Translate = (word, values = {}) =>
    WORDS[word][lang === 'zh' ? 0 : 1].replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? ''));
  // A name the labels do not know (one newer than the app) shows as the server writes it.
  const label: LabelFor = (group, name) => labelOf(group, name)?.[lang] ?? name;
  return (
    <LangContext.Provider value={{ lang, setLang, t, label }}>
      <ConfigProvider locale={lang === 'zh' ? zhCN : enUS}>{children}</ConfigProvider>
    </LangContext.Provider>
  );
}

export const useLang = () => useContext(LangContext);
