import type { InboxNoticeType } from './finding.notices';
import type { ExtensionState, FindingEvent, FindingProgress, FindingSource, Light, ReceiptState, Timeliness } from './finding.types';
import type { PartState, RoundEvent, RoundState } from './round.types';
import type { Grade, Role, RoundType, Severity } from './vocabulary';

/**
 * The names people read for the domain's words, in the hospital's language and in English: the one
 * source for the ledger, the notice, the case file, the tablet app and `GET /workflows/labels`.
 * Pure data, so the tablet app imports it at build time and has it offline.
 */
export interface Label {
  zh: string;
  en: string;
}

export type Language = keyof Label;

/** Entries the service writes to a round's or finding's trail beside the machines' events. */
type TrailEntry = 'PLAN' | 'SELF_AUDIT_ALLOWED' | 'CLOSURE_SAMPLE_DRAWN' | 'REGISTER_FINDING' | 'LIST_IMPORTED' | 'MARK_TYPICAL_CASE' | 'UNMARK_TYPICAL_CASE';

export interface Labels {
  /** A finding's progress, timeliness, extension and receipt; a round's state and its parts'. */
  state: Record<FindingProgress | Timeliness | ExtensionState | ReceiptState | RoundState | PartState, Label>;
  /** The machines' events and the other entries of a trail. */
  event: Record<FindingEvent['type'] | RoundEvent['type'] | TrailEntry, Label>;
  role: Record<Role, Label>;
  severity: Record<Severity, Label>;
  roundType: Record<RoundType, Label>;
  /** What a notification tells of. */
  notice: Record<InboxNoticeType, Label>;
  /** Where a finding came from. */
  source: Record<FindingSource, Label>;
  /** Supervision lights (督办红黄绿灯). */
  light: Record<Light, Label>;
  /** A department's monthly grade; `vetoed` and `integrity_vetoed` name a fail decided by a bottom-line item (一票否决). */
  grade: Record<Grade | 'vetoed' | 'integrity_vetoed', Label>;
}

export const LABELS: Labels = {
  state: {
    reported: { zh: '已登记', en: 'Reported' },
    assigned: { zh: '已交办', en: 'Assigned' },
    disputed: { zh: '有异议', en: 'Disputed' },
    rectifying: { zh: '整改中', en: 'Rectifying' },
    verifying: { zh: '待验证', en: 'Verifying' },
    closure_audit: { zh: '待结案审核', en: 'Closure audit' },
    closed: { zh: '已销号', en: 'Closed' },
    withdrawn: { zh: '已撤回', en: 'Withdrawn' },
    transferred: { zh: '已移交', en: 'Transferred' },
    on_track: { zh: '正常', en: 'On track' },
    due_soon: { zh: '即将到期', en: 'Due soon' },
    overdue: { zh: '已超期', en: 'Overdue' },
    escalated: { zh: '已督办', en: 'Escalated' },
    none: { zh: '未申请延期', en: 'No extension' },
    requested: { zh: '已申请延期', en: 'Extension requested' },
    approved: { zh: '已同意延期', en: 'Extension approved' },
    denied: { zh: '已拒绝延期', en: 'Extension denied' },
    unacknowledged: { zh: '待签收', en: 'Awaiting receipt' },
    late: { zh: '逾期未签收', en: 'Not signed for in time' },
    acknowledged: { zh: '已签收', en: 'Signed for' },
    planned: { zh: '未开始', en: 'Planned' },
    in_progress: { zh: '进行中', en: 'In progress' },
    inspecting: { zh: '检查中', en: 'Inspecting' },
    submitted: { zh: '已提交', en: 'Submitted' },
    completed: { zh: '已完成', en: 'Completed' },
    cancelled: { zh: '已取消', en: 'Cancelled' },
  },
  event: {
    ASSIGN: { zh: '交办', en: 'Assign' },
    REASSIGN: { zh: '改派', en: 'Reassign' },
    ACKNOWLEDGE: { zh: '签收', en: 'Sign for' },
    SET_DEADLINE: { zh: '调整整改时限', en: 'Set deadline' },
    REGISTER_FINDING: { zh: '登记问题', en: 'Finding registered' },
    SCHEDULE_FOLLOW_UP: { zh: '安排回头看', en: 'Schedule follow-up check' },
    FOLLOW_UP_PASSED: { zh: '回头看通过', en: 'Follow-up check passed' },
    FOLLOW_UP_FAILED: { zh: '回头看未通过（反弹）', en: 'Follow-up check failed (relapse)' },
    RECEIPT_LATE: { zh: '逾期未签收', en: 'Not signed for in time' },
    RECEIPT_ESCALATE: { zh: '未签收督办', en: 'Escalated for receipt' },
    UPHOLD: { zh: '维持原判', en: 'Uphold' },
    DISPUTE: { zh: '提出异议', en: 'Dispute' },
    SUBMIT_PLAN: { zh: '提交整改方案', en: 'Submit plan' },
    SUBMIT_EVIDENCE: { zh: '提交整改证据', en: 'Submit evidence' },
    VERIFY_ACCEPT: { zh: '验证通过', en: 'Accept' },
    VERIFY_REJECT: { zh: '退回整改', en: 'Reject' },
    AUDIT_APPROVE: { zh: '同意结案', en: 'Approve closure' },
    AUDIT_REJECT: { zh: '不同意结案', en: 'Reject closure' },
    ALLOW_SELF_AUDIT: { zh: '准许验收人审核销号', en: 'Allow the acceptor to approve' },
    REOPEN: { zh: '重新打开', en: 'Reopen' },
    WITHDRAW: { zh: '撤回', en: 'Withdraw' },
    TRANSFER: { zh: '移交', en: 'Transfer' },
    REQUEST_EXTENSION: { zh: '申请延期', en: 'Request extension' },
    APPROVE_EXTENSION: { zh: '同意延期', en: 'Approve extension' },
    DENY_EXTENSION: { zh: '拒绝延期', en: 'Deny extension' },
    DUE_SOON: { zh: '即将到期', en: 'Due soon' },
    DEADLINE_PASSED: { zh: '已超期', en: 'Deadline passed' },
    ESCALATE: { zh: '督办', en: 'Escalated' },
    PLAN: { zh: '计划查房', en: 'Round planned' },
    START: { zh: '开始查房', en: 'Round started' },
    LOG_FINDING: { zh: '登记问题', en: 'Finding logged' },
    RECORD_RESULT: { zh: '记录检查结果', en: 'Result recorded' },
    SUBMIT: { zh: '提交查房', en: 'Round submitted' },
    COMPLETE: { zh: '查房完成', en: 'Round completed' },
    CANCEL: { zh: '取消查房', en: 'Round cancelled' },
    FINDING_REOPENED: { zh: '问题重新打开', en: 'Finding reopened' },
    SELF_AUDIT_ALLOWED: { zh: '已准许验收人审核销号', en: 'Acceptor allowed to approve' },
    CLOSURE_SAMPLE_DRAWN: { zh: '抽取结案审核样本', en: 'Closure sample drawn' },
    LIST_IMPORTED: { zh: '导入问题清单', en: 'Problem list imported' },
    MARK_TYPICAL_CASE: { zh: '列为典型案例', en: 'Marked as a typical case' },
    UNMARK_TYPICAL_CASE: { zh: '取消典型案例', en: 'No longer a typical case' },
  },
  role: {
    inspector: { zh: '查房组成员', en: 'Inspector' },
    round_lead: { zh: '查房组长', en: 'Round lead' },
    department_staff: { zh: '科室整改联络人', en: 'Department staff' },
    verifier: { zh: '牵头科室复核', en: 'Verifier' },
    discipline_office: { zh: '纪委办', en: 'Discipline office' },
    admin: { zh: '管理员', en: 'Administrator' },
    leadership: { zh: '医院领导', en: 'Hospital leadership' },
    system: { zh: '系统', en: 'System' },
  },
  severity: {
    minor: { zh: '一般', en: 'Minor' },
    major: { zh: '较重', en: 'Major' },
    critical: { zh: '严重', en: 'Critical' },
  },
  roundType: {
    administrative: { zh: '行政查房', en: 'Administrative' },
    party_building: { zh: '党建查房', en: 'Party-building' },
    integrity: { zh: '廉政查房', en: 'Integrity' },
  },
  notice: {
    assigned: { zh: '已交办', en: 'Assigned' },
    disputed: { zh: '有异议', en: 'Disputed' },
    evidence_submitted: { zh: '整改证据待验证', en: 'Evidence to verify' },
    closure_audit_requested: { zh: '待结案审核', en: 'Closure audit requested' },
    rejected: { zh: '已退回整改', en: 'Sent back for rectification' },
    reopened: { zh: '问题重新打开', en: 'Finding reopened' },
    due_soon: { zh: '即将到期', en: 'Due soon' },
    overdue: { zh: '已超期', en: 'Overdue' },
    escalated: { zh: '已督办', en: 'Escalated' },
    extension_requested: { zh: '申请延期', en: 'Extension requested' },
    extension_approved: { zh: '同意延期', en: 'Extension approved' },
    extension_denied: { zh: '拒绝延期', en: 'Extension denied' },
    deadline_set: { zh: '整改时限已调整', en: 'Deadline changed' },
    receipt_late: { zh: '逾期未签收', en: 'Not signed for in time' },
    receipt_escalated: { zh: '未签收已督办', en: 'Escalated: not signed for' },
    follow_up_failed: { zh: '回头看未通过，重新整改', en: 'Follow-up check failed: rectify again' },
    round_planned: { zh: '已排定查房', en: 'Round planned' },
    round_tomorrow: { zh: '明日查房', en: 'Round tomorrow' },
    announcement: { zh: '通知公告', en: 'Announcement' },
  },
  source: {
    round: { zh: '查房发现', en: 'Round' },
    self_inspection: { zh: '自查', en: 'Self-inspection' },
    complaint: { zh: '投诉举报', en: 'Complaint' },
    patient_feedback: { zh: '患者回访/满意度', en: 'Patient feedback' },
    superior_inspection: { zh: '上级检查/巡察', en: 'Superior inspection' },
    audit: { zh: '审计', en: 'Audit' },
    supervision: { zh: '监督检查', en: 'Supervision' },
    other: { zh: '其他', en: 'Other' },
  },
  light: {
    green: { zh: '绿灯', en: 'Green' },
    yellow: { zh: '黄灯', en: 'Yellow' },
    red: { zh: '红灯', en: 'Red' },
  },
  grade: {
    excellent: { zh: '优秀', en: 'Excellent' },
    good: { zh: '良好', en: 'Good' },
    pass: { zh: '合格', en: 'Pass' },
    fail: { zh: '不合格', en: 'Fail' },
    not_inspected: { zh: '未检查', en: 'Not inspected' },
    vetoed: { zh: '不合格 (一票否决)', en: 'Fail (veto)' },
    integrity_vetoed: { zh: '不合格 (廉政一票否决)', en: 'Fail (integrity veto)' },
  },
};

/** One group's names in one language, e.g. the ledger's Chinese state names. */
export function labelsIn<Key extends string>(group: Record<Key, Label>, language: Language): Record<Key, string> {
  return Object.fromEntries(Object.entries<Label>(group).map(([key, label]) => [key, label[language]])) as Record<Key, string>;
}

/** The label of a name read from data (an audit entry's state, a notification's type), if it has one. */
export function labelOf(group: keyof Labels, name: string): Label | undefined {
  const labels: Record<string, Label> = LABELS[group];
  return Object.hasOwn(labels, name) ? labels[name] : undefined;
}
