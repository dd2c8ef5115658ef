import {
  FINDING_SETTLED_STATES,
  FindingContext,
  FindingProgress,
  FindingSource,
  LABELS,
  Light,
  ReceiptState,
  RoundType,
  Severity,
  Timeliness,
  labelsIn,
} from '../../workflows';
import { dueOf } from '../findings/finding-figures';
import type { ReportColumn } from './spreadsheet';
import type { ZoneTime } from './zone-time';

/** One line of the ledger (问题台账), as people keep it in Excel today. */
export interface LedgerRow {
  /** 序号: the line's number in the ledger as filtered. */
  index: number;
  findingId: string;
  /** Where the finding came from: a round, a complaint, a self-inspection list, … */
  source: FindingSource;
  roundType: RoundType;
  /** None for a finding registered from another list. */
  roundDate: string | null;
  department: string;
  /** The responsible department's Party branch (一张清单), if it has one. */
  partyBranch: string | null;
  /** The responsible person's name (责任人), if one is named. */
  responsiblePerson: string | null;
  title: string;
  severity: Severity;
  state: FindingProgress;
  timeliness: Timeliness;
  /** The supervision light of an open finding; none once settled. */
  light: Light | null;
  /** Whether the department signed for it (签收). */
  receipt: ReceiptState;
  deadline: Date | null;
  /** The date the plan committed to (承诺完成时限); while it stands, the finding is due by its end. */
  committedDate: string | null;
  /** Calendar days past the due time (until closure, or until now while open); null without a deadline or once withdrawn or transferred. */
  daysOverdue: number | null;
  measures: string | null;
  evidenceNote: string | null;
  verifier: string | null;
  closedAt: Date | null;
  /** Calendar days from logging to closure. */
  daysToClose: number | null;
  reopenCount: number;
}

/** The ledger's names, in the hospital's language. */
export const ROUND_TYPE_NAMES: Record<RoundType, string> = labelsIn(LABELS.roundType, 'zh');
export const SEVERITY_NAMES: Record<Severity, string> = labelsIn(LABELS.severity, 'zh');
export const STATE_NAMES: Record<FindingProgress, string> = labelsIn(LABELS.state, 'zh');
export const TIMELINESS_NAMES: Record<Timeliness, string> = labelsIn(LABELS.state, 'zh');
export const SOURCE_NAMES: Record<FindingSource, string> = labelsIn(LABELS.source, 'zh');
export const LIGHT_NAMES: Record<Light, string> = labelsIn(LABELS.light, 'zh');
export const RECEIPT_NAMES: Record<ReceiptState, string> = labelsIn(LABELS.state, 'zh');

/** The ledger's columns, in order. */
export const LEDGER_COLUMNS: ReportColumn<LedgerRow>[] = [
  { key: 'index', zh: '序号', en: 'No.', width: 6, kind: 'number', value: (row) => row.index },
  { key: 'source', zh: '问题来源', en: 'Source', width: 12, kind: 'text', value: (row) => SOURCE_NAMES[row.source] },
  { key: 'roundType', zh: '查房类型', en: 'Round type', width: 10, kind: 'text', value: (row) => ROUND_TYPE_NAMES[row.roundType] },
  { key: 'roundDate', zh: '查房日期', en: 'Round date', width: 11, kind: 'date', value: (row) => row.roundDate },
  { key: 'department', zh: '责任科室', en: 'Department', width: 16, kind: 'text', value: (row) => row.department },
  { key: 'partyBranch', zh: '党支部', en: 'Party branch', width: 14, kind: 'text', value: (row) => row.partyBranch },
  { key: 'responsiblePerson', zh: '责任人', en: 'Responsible person', width: 10, kind: 'text', value: (row) => row.responsiblePerson },
  { key: 'title', zh: '问题', en: 'Finding', width: 36, kind: 'text', value: (row) => row.title },
  { key: 'severity', zh: '严重程度', en: 'Severity', width: 8, kind: 'text', value: (row) => SEVERITY_NAMES[row.severity] },
  { key: 'state', zh: '状态', en: 'State', width: 9, kind: 'text', value: (row) => STATE_NAMES[row.state] },
  { key: 'stateEn', zh: '状态(英文)', en: 'State (English)', width: 13, kind: 'text', value: (row) => row.state },
  { key: 'timeliness', zh: '时效', en: 'Timeliness', width: 11, kind: 'text', value: (row) => TIMELINESS_NAMES[row.timeliness] },
  { key: 'light', zh: '督办灯', en: 'Light', width: 7, kind: 'text', value: (row) => (row.light ? LIGHT_NAMES[row.light] : null) },
  { key: 'receipt', zh: '签收', en: 'Receipt', width: 11, kind: 'text', value: (row) => RECEIPT_NAMES[row.receipt] },
  { key: 'deadline', zh: '整改时限', en: 'Deadline', width: 17, kind: 'instant', value: (row) => row.deadline },
  { key: 'committedDate', zh: '承诺完成日期', en: 'Committed date', width: 12, kind: 'date', value: (row) => row.committedDate },
  { key: 'daysOverdue', zh: '逾期天数', en: 'Days overdue', width: 9, kind: 'number', value: (row) => row.daysOverdue },
  { key: 'measures', zh: '整改措施', en: 'Measures', width: 36, kind: 'text', value: (row) => row.measures },
  { key: 'evidenceNote', zh: '最新佐证说明', en: 'Latest evidence note', width: 28, kind: 'text', value: (row) => row.evidenceNote },
  { key: 'verifier', zh: '验收人', en: 'Verifier', width: 10, kind: 'text', value: (row) => row.verifier },
  { key: 'closedAt', zh: '销号时间', en: 'Closed at', width: 17, kind: 'instant', value: (row) => row.closedAt },
  { key: 'daysToClose', zh: '整改用时(天)', en: 'Days to close', width: 11, kind: 'number', value: (row) => row.daysToClose },
  { key: 'reopenCount', zh: '重新打开次数', en: 'Reopened', width: 11, kind: 'number', value: (row) => row.reopenCount },
];

/** The columns the ledger can be sorted by. */
export const LEDGER_SORTS = ['createdAt', 'roundDate', 'deadline', 'daysOverdue', 'closedAt', 'department', 'title', 'severity', 'state', 'light', 'roundType', 'source'] as const;
export type LedgerSort = (typeof LEDGER_SORTS)[number];

/** What the ledger needs of one finding, as the query brings it. */
export interface LedgerSource {
  id: string;
  source: FindingSource;
  roundType: RoundType;
  title: string;
  severity: Severity;
  state: string;
  timeliness: Timeliness;
  light: Light | null;
  receipt: ReceiptState;
  deadline: Date | null;
  committedDue: Date | null;
  closedAt: Date | null;
  createdAt: Date;
  context: FindingContext;
  /** None for a finding registered from another list. */
  roundDate: string | null;
  department: string;
  partyBranch: string | null;
  responsiblePerson: string | null;
}

export function ledgerRow(source: LedgerSource, index: number, verifier: string | null, now: Date, zone: ZoneTime): LedgerRow {
  const context = source.context;
  const end = source.closedAt ?? now;
  const due = dueOf(source);
  const timed = due !== null && (source.state === 'closed' || !FINDING_SETTLED_STATES.includes(source.state as FindingProgress));
  return {
    index,
    findingId: source.id,
    source: source.source,
    roundType: source.roundType,
    roundDate: source.roundDate,
    department: source.department,
    partyBranch: source.partyBranch,
    responsiblePerson: source.responsiblePerson,
    title: source.title,
    severity: source.severity,
    state: source.state as FindingProgress,
    timeliness: source.timeliness,
    light: source.light,
    receipt: source.receipt,
    deadline: source.deadline,
    // Only while the commitment stands: an approved extension, a new deadline or a failed follow-up check replaces it.
    committedDate: context.committedDue !== null ? context.committedDate : null,
    daysOverdue: timed ? Math.max(0, end > due ? zone.calendarDays(due, end) : 0) : null,
    measures: context.measures,
    evidenceNote: context.evidence?.note ?? null,
    verifier,
    closedAt: source.closedAt,
    daysToClose: source.closedAt ? zone.calendarDays(source.createdAt, source.closedAt) : null,
    reopenCount: context.reopenCount,
  };
}
