import type { EvidenceFile, RoundType, Severity, WorkflowEvent } from './vocabulary';

/**
 * Where a finding came from. `round` is set by the service for findings logged in a round; the
 * others are registered on their own (POST /findings) from the hospital's other problem lists.
 */
export const FINDING_SOURCES = ['round', 'self_inspection', 'complaint', 'patient_feedback', 'superior_inspection', 'audit', 'supervision', 'other'] as const;
export type FindingSource = (typeof FINDING_SOURCES)[number];
/** The sources a client may give when registering a finding. */
export const REGISTERED_SOURCES = FINDING_SOURCES.filter((source): source is Exclude<FindingSource, 'round'> => source !== 'round');

/**
 * Who leads a finding: rules on disputes, reassigns and withdraws it, and hears of disputes. A
 * round's finding has its round's (or part's) lead; a registered one the office that registered
 * it: the lead office of its round type (its verifiers and round leads) or the discipline office.
 */
export type FindingLead = { kind: 'round_lead'; userId: string } | { kind: 'lead_office' } | { kind: 'discipline_office' };

/**
 * The life of one finding (问题): progress, timeliness, extension and receipt run side by side.
 * Progress is the rectification itself; timeliness is driven by the `system` actor from timers;
 * extension tracks requests for a later deadline (申请延期); receipt is the department's sign-off
 * that it has the finding (签收).
 */
export interface FindingContext {
  roundId: string | null;
  source: FindingSource;
  roundType: RoundType;
  severity: Severity;
  lead: FindingLead;
  responsibleDepartmentId: string;
  /** The person answerable in that department (责任人), if named. */
  responsiblePersonId: string | null;
  /** Days from assignment to the default deadline, fixed when the finding is logged. */
  defaultDeadlineDays: number;
  /** Working days the department has to sign for the finding once assigned, fixed when the finding is logged. */
  receiptDays: number;
  /** Days after closing that the follow-up check (回头看) falls due, or null for none; fixed when the finding is logged. */
  followUpDays: number | null;
  /** Extension requests allowed, fixed when the finding is logged. */
  extensionLimit: number;
  /** Attachments SUBMIT_EVIDENCE must carry, fixed when the finding is logged (by severity). */
  evidenceRequired: number;
  /** Taken when the finding was logged. */
  photos: EvidenceFile[];
  /** The latest evidence submitted (整改佐证). */
  evidence: Evidence | null;
  /** The lead office's acceptance of that evidence; gone when new evidence comes or the finding is reopened. */
  verification: Verification | null;
  /** The discipline office's approval of the closure (required, or of a sampled closed finding); gone when reopened. */
  closureApproval: ClosureApproval | null;
  /**
   * Another discipline-office user's leave for the one who accepted the verification to approve the
   * closure audit all the same (an office too small to keep the two apart); gone with the acceptance.
   */
  selfAuditAllowance: SelfAuditAllowance | null;
  /** An instant, ISO 8601 with the hospital's offset. */
  deadline: string | null;
  measures: string | null;
  /** The date the plan commits to (承诺完成时限), not after the deadline. */
  committedDate: string | null;
  /**
   * The end of the committed date, once a plan gives it: the reminders and the overdue judgement
   * follow it from then on, until an approved extension or a new deadline replaces it.
   */
  committedDue: string | null;
  /** By when the department must sign for the finding; set on each assignment. */
  receiptDue: string | null;
  acknowledgedAt: string | null;
  /** 0 until an unacknowledged finding is escalated; then the level reached. */
  receiptEscalationLevel: number;
  /** The follow-up check (回头看) due, while one is scheduled. */
  followUp: FollowUp | null;
  /** Follow-up checks failed (反弹). */
  relapses: number;
  rejections: number;
  reopenCount: number;
  escalationLevel: number;
  extensionRequests: number;
  proposedDeadline: string | null;
  closedAt: string | null;
}

export interface Evidence {
  note: string;
  attachments: EvidenceFile[];
  submittedAt: string;
  submittedBy: string;
}

/** What a finding holds of its commitment, receipt and follow-up check before any of them happens (all new in version 5). */
export const BEFORE_RECEIPT_AND_FOLLOW_UP = {
  committedDue: null,
  receiptDue: null,
  acknowledgedAt: null,
  receiptEscalationLevel: 0,
  followUp: null,
  relapses: 0,
} as const satisfies Partial<FindingContext>;

export interface FollowUp {
  /** The calendar date from which the check is due. */
  dueOn: string;
  scheduledBy: string;
}

export interface Verification {
  acceptedAt: string;
  acceptedBy: string;
}

export interface ClosureApproval {
  approvedAt: string;
  approvedBy: string;
}

export interface SelfAuditAllowance {
  allowedAt: string;
  allowedBy: string;
  /** Who may now approve the closure of what they accepted. */
  acceptedBy: string;
  reason: string;
}

export type FindingInput = Pick<
  FindingContext,
  | 'roundId'
  | 'source'
  | 'roundType'
  | 'severity'
  | 'lead'
  | 'responsibleDepartmentId'
  | 'responsiblePersonId'
  | 'defaultDeadlineDays'
  | 'receiptDays'
  | 'followUpDays'
  | 'extensionLimit'
  | 'evidenceRequired'
  | 'photos'
>;

export type FindingEvent =
  | WorkflowEvent<'ASSIGN', { departmentId?: string; deadline?: string }>
  | WorkflowEvent<'REASSIGN', { departmentId: string; responsiblePersonId?: string; reason: string }>
  | WorkflowEvent<'ACKNOWLEDGE', { note?: string }>
  | WorkflowEvent<'SET_DEADLINE', { deadline: string; reason: string }>
  | WorkflowEvent<'UPHOLD', { reason?: string }>
  | WorkflowEvent<'DISPUTE', { reason: string }>
  | WorkflowEvent<'SUBMIT_PLAN', { measures: string; committedDate: string }>
  | WorkflowEvent<'SUBMIT_EVIDENCE', { note: string; attachments?: EvidenceFile[] }>
  | WorkflowEvent<'VERIFY_ACCEPT', { note?: string }>
  | WorkflowEvent<'VERIFY_REJECT', { reason: string }>
  | WorkflowEvent<'AUDIT_APPROVE', { note?: string }>
  | WorkflowEvent<'AUDIT_REJECT', { reason: string }>
  | WorkflowEvent<'ALLOW_SELF_AUDIT', { reason: string }>
  | WorkflowEvent<'REOPEN', { reason: string }>
  | WorkflowEvent<'WITHDRAW', { reason: string }>
  | WorkflowEvent<'TRANSFER', { reason: string }>
  | WorkflowEvent<'REQUEST_EXTENSION', { reason: string; proposedDeadline: string }>
  | WorkflowEvent<'APPROVE_EXTENSION', { deadline?: string }>
  | WorkflowEvent<'DENY_EXTENSION', { reason: string }>
  | WorkflowEvent<'SCHEDULE_FOLLOW_UP', { dueOn: string }>
  | WorkflowEvent<'FOLLOW_UP_PASSED', { note?: string; attachments?: EvidenceFile[] }>
  | WorkflowEvent<'FOLLOW_UP_FAILED', { reason: string; deadline: string; attachments?: EvidenceFile[] }>
  | WorkflowEvent<'RECEIPT_LATE', TimerPayload>
  | WorkflowEvent<'RECEIPT_ESCALATE', TimerPayload>
  | WorkflowEvent<'DUE_SOON', TimerPayload>
  | WorkflowEvent<'DEADLINE_PASSED', TimerPayload>
  | WorkflowEvent<'ESCALATE', TimerPayload>;

/** What a timer's event carries: when it was due (it may fire later, after downtime) and, for ESCALATE, the level. */
export interface TimerPayload {
  dueAt?: string;
  level?: number;
}

export const FINDING_PROGRESS_STATES = [
  'reported',
  'assigned',
  'disputed',
  'rectifying',
  'verifying',
  'closure_audit',
  'closed',
  'withdrawn',
  'transferred',
] as const;
export type FindingProgress = (typeof FINDING_PROGRESS_STATES)[number];
export const FINDING_SETTLED_STATES: readonly FindingProgress[] = ['closed', 'withdrawn', 'transferred'];

export const TIMELINESS_STATES = ['on_track', 'due_soon', 'overdue', 'escalated'] as const;
export type Timeliness = (typeof TIMELINESS_STATES)[number];

export const EXTENSION_STATES = ['none', 'requested', 'approved', 'denied'] as const;
export type ExtensionState = (typeof EXTENSION_STATES)[number];

/** Unacknowledged until the department signs (ACKNOWLEDGE, or a plan or dispute); late once its working days have passed. */
export const RECEIPT_STATES = ['unacknowledged', 'late', 'acknowledged'] as const;
export type ReceiptState = (typeof RECEIPT_STATES)[number];

/** Supervision lights (督办红黄绿灯) of an open finding. */
export const LIGHTS = ['green', 'yellow', 'red'] as const;
export type Light = (typeof LIGHTS)[number];
