/** What a transition asks of someone; the engine writes it to the notification outbox in the same transaction. */
export const NOTICE_TYPES = [
  'assigned',
  'receipt_late',
  'disputed',
  'evidence_submitted',
  'closure_audit_requested',
  'rejected',
  'reopened',
  'due_soon',
  'overdue',
  'escalated',
  'receipt_escalated',
  'extension_requested',
  'extension_approved',
  'extension_denied',
  'deadline_set',
  'follow_up_failed',
] as const;
export type NoticeType = (typeof NOTICE_TYPES)[number];

/**
 * Notices about a round rather than a finding, written by the round plan scheduler: a recurring plan
 * planned the round, and the round is tomorrow. To the inbox and the webhooks.
 */
export const ROUND_NOTICE_TYPES = ['round_planned', 'round_tomorrow'] as const;
export type RoundNoticeType = (typeof ROUND_NOTICE_TYPES)[number];

/** An announcement (节前提醒 and the like) from the discipline office or an administrator, at its publishing time. */
export const ANNOUNCEMENT_NOTICE = 'announcement';

/** Everything the inbox holds, and the webhooks carry. */
export const INBOX_NOTICE_TYPES = [...NOTICE_TYPES, ...ROUND_NOTICE_TYPES, ANNOUNCEMENT_NOTICE] as const;
export type InboxNoticeType = (typeof INBOX_NOTICE_TYPES)[number];

/**
 * Notices nobody switches off on any channel: a deadline passing (the deadline's, `overdue`, and
 * the receipt's, `receipt_late`) and the escalations that follow (`escalated`, `receipt_escalated`).
 * Here, with the vocabulary, so the console's settings show them on and fixed by the service's own list.
 */
export const MANDATORY_NOTICE_TYPES = ['overdue', 'receipt_late', 'escalated', 'receipt_escalated'] as const satisfies readonly InboxNoticeType[];

export const isMandatory = (type: InboxNoticeType): boolean => (MANDATORY_NOTICE_TYPES as readonly InboxNoticeType[]).includes(type);

/** A WeCom or DingTalk robot's rate when none is given: they take about 20 messages a minute. */
export const ROBOT_RATE_PER_MINUTE = 20;

/**
 * Who hears of it: the responsible department's staff (and its responsible person), the lead
 * office's verifiers for the round type, the discipline office, or the finding's lead (`round_lead`:
 * its round lead, or the office that registered it). An escalation's audience is the level's, from
 * the service's escalation policy.
 */
export const AUDIENCES = ['department_staff', 'verifier', 'discipline_office', 'round_lead'] as const;
export type Audience = (typeof AUDIENCES)[number];

export interface Notice {
  notice: NoticeType;
  to: readonly Audience[];
}
