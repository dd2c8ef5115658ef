import type { EvidenceFile, RoundType, Severity, WorkflowEvent } from './vocabulary';

/**
 * The life of one finding (问题): progress, timeliness and extension run side by side.
 * Progress is the rectification itself; timeliness is driven by the `system` actor from timers;
 * extension tracks requests for a later deadline (申请延期).
 */
export interface FindingContext {
  roundId: string;
  roundType: RoundType;
  severity: Severity;
  roundLeadId: string;
  responsibleDepartmentId: string;
  /** Days from assignment to the default deadline, fixed when the finding is logged. */
  defaultDeadlineDays: number;
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
  committedDate: string | null;
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
  | 'roundType'
  | 'severity'
  | 'roundLeadId'
  | 'responsibleDepartmentId'
  | 'defaultDeadlineDays'
  | 'extensionLimit'
  | 'evidenceRequired'
  | 'photos'
>;

export type FindingEvent =
  | WorkflowEvent<'ASSIGN', { departmentId?: string; deadline?: string }>
  | WorkflowEvent<'REASSIGN', { departmentId: string; reason: string }>
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
