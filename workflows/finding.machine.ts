import { and, assign, not, or, setup, stateIn } from 'xstate';
import { addDays, deadlineIn } from './calendar';
import {
  Actor,
  Conflict,
  EvidenceFile,
  PayloadProblem,
  RoundType,
  Severity,
  WorkflowEvent,
  hasRole,
  isPayloadAside,
} from './vocabulary';

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

/** What a transition asks of someone; the engine writes it to the notification outbox in the same transaction. */
export const NOTICE_TYPES = [
  'assigned',
  'disputed',
  'evidence_submitted',
  'closure_audit_requested',
  'rejected',
  'reopened',
  'due_soon',
  'overdue',
  'escalated',
  'extension_requested',
  'extension_approved',
  'extension_denied',
] as const;
export type NoticeType = (typeof NOTICE_TYPES)[number];

/**
 * Who hears of it: the responsible department's staff, the lead office's verifiers for the round
 * type, the discipline office, or the finding's round lead. An escalation's audience is the level's,
 * from the service's escalation policy.
 */
export const AUDIENCES = ['department_staff', 'verifier', 'discipline_office', 'round_lead'] as const;
export type Audience = (typeof AUDIENCES)[number];

export interface Notice {
  notice: NoticeType;
  to: readonly Audience[];
}

const notify = (notice: NoticeType, ...to: Audience[]) => ({ type: 'notify', params: { notice, to } }) as const;

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

/**
 * Rules that compare a payload with the finding's data (dates against the deadline and so on).
 * The machine's guards use them, and the engine uses them to answer 400 with the field.
 * Missing fields are not judged here: the DTOs require them.
 */
export function findingPayloadProblems(context: FindingContext, event: FindingEvent): PayloadProblem[] {
  const problems: PayloadProblem[] = [];
  const deadline = context.deadline;
  const laterThanDeadline = (field: string, value: string | undefined) => {
    if (deadline !== null && value !== undefined && Date.parse(deadlineIn(value, event.timeZone)) <= Date.parse(deadline)) {
      problems.push({ field, reason: `must be later than the deadline (${deadline})` });
    }
  };
  switch (event.type) {
    case 'ASSIGN':
      if (event.deadline !== undefined && Date.parse(deadlineIn(event.deadline, event.timeZone)) <= Date.parse(event.at)) {
        problems.push({ field: 'deadline', reason: `must be later than now (${event.at})` });
      }
      break;
    case 'REASSIGN':
      if (event.departmentId === context.responsibleDepartmentId) {
        problems.push({ field: 'departmentId', reason: 'is already the responsible department' });
      }
      break;
    case 'SUBMIT_PLAN':
      // A deadline is written with its zone's offset: its first ten characters are its calendar date there.
      if (deadline !== null && event.committedDate !== undefined && event.committedDate > deadline.slice(0, 10)) {
        problems.push({ field: 'committedDate', reason: `must not be after the deadline (${deadline})` });
      }
      break;
    case 'SUBMIT_EVIDENCE':
      if ((event.attachments?.length ?? 0) < context.evidenceRequired) {
        problems.push({
          field: 'attachmentIds',
          reason: `a ${context.severity} finding needs at least ${context.evidenceRequired} attachment(s) as evidence (rule EVIDENCE_REQUIRED)`,
        });
      }
      break;
    case 'REQUEST_EXTENSION':
      laterThanDeadline('proposedDeadline', event.proposedDeadline);
      break;
    case 'APPROVE_EXTENSION':
      laterThanDeadline('deadline', event.deadline);
      break;
  }
  return problems;
}

/** Events that decide on the rectification: their audit entries record what they decided on. */
export const DECISION_EVENTS = ['VERIFY_ACCEPT', 'VERIFY_REJECT', 'AUDIT_APPROVE', 'AUDIT_REJECT'] as const;

/** What a decision is taken on: the measures and the evidence, as they stand when it is taken. */
export function findingDecisionBasis(context: FindingContext, event: FindingEvent): Record<string, unknown> | null {
  if (!(DECISION_EVENTS as readonly string[]).includes(event.type)) return null;
  return { measures: context.measures, committedDate: context.committedDate, evidence: context.evidence };
}

/** What stands in the way of an event its sender could otherwise send (409 with details). */
export function findingConflict(context: FindingContext, event: FindingEvent): Conflict | null {
  const acceptance = context.verification;
  // Until the closure is approved: afterwards nothing is left to approve.
  if (acceptance !== null && acceptance.acceptedBy === event.actor.id && context.selfAuditAllowance === null && context.closureApproval === null) {
    const entitled = hasRole(event.actor, 'discipline_office');
    const details = { rule: 'SEPARATION_OF_DUTIES', acceptedBy: acceptance.acceptedBy, acceptedAt: acceptance.acceptedAt };
    if (event.type === 'AUDIT_APPROVE') {
      return {
        message:
          'You accepted this finding\'s verification, so you may not also approve its closure audit (separation of duties): ' +
          'another discipline-office user approves it, or allows you to with a written reason (ALLOW_SELF_AUDIT)',
        details,
        entitled,
      };
    }
    if (event.type === 'ALLOW_SELF_AUDIT') {
      return {
        message: 'You accepted this finding\'s verification: only another discipline-office user may allow you to approve its closure audit',
        details,
        entitled,
      };
    }
  }
  if (event.type === 'REQUEST_EXTENSION' && context.extensionRequests >= context.extensionLimit) {
    return {
      message: `This finding has had its ${context.extensionLimit} extension request(s); no more may be made`,
      details: { limit: context.extensionLimit, count: context.extensionRequests },
      entitled: isResponsibleStaff(context, event.actor),
    };
  }
  return null;
}

/** Someone who would pass every "who" guard for this finding: tells 403 (not you) from 409 (nobody, now). */
const isResponsibleStaff = (context: FindingContext, actor: Actor): boolean =>
  hasRole(actor, 'department_staff') && actor.departmentId === context.responsibleDepartmentId;

export function findingPrivilegedActor(context: FindingContext): Actor {
  return {
    id: context.roundLeadId,
    roles: ['round_lead', 'department_staff', 'verifier', 'discipline_office', 'system'],
    departmentId: context.responsibleDepartmentId,
    leadOfficeFor: [context.roundType],
  };
}

const requestExtension = {
  guard: 'mayRequestExtension',
  target: 'requested',
  actions: ['recordExtensionRequest', notify('extension_requested', 'verifier')],
} as const;

/** Leaves the state as it is: the acceptor may then send AUDIT_APPROVE; the engine records a security event. */
const allowSelfAudit = { guard: 'mayAllowSelfAudit', actions: ['recordSelfAuditAllowance', 'selfAuditAllowed'] } as const;

const deadlinePassed = {
  guard: and(['isSystem', 'isOpen', 'hasDeadline']),
  target: 'overdue',
  actions: notify('overdue', 'department_staff'),
} as const;

export const findingMachine = setup({
  types: {
    context: {} as FindingContext,
    input: {} as FindingInput,
    events: {} as FindingEvent,
  },
  guards: {
    isRoundLead: ({ context, event }) => hasRole(event.actor, 'round_lead') && event.actor.id === context.roundLeadId,
    isResponsibleDepartment: ({ context, event }) => isResponsibleStaff(context, event.actor),
    isVerifierForRoundType: ({ context, event }) =>
      hasRole(event.actor, 'verifier') && event.actor.leadOfficeFor.includes(context.roundType),
    isDisciplineOffice: ({ event }) => hasRole(event.actor, 'discipline_office'),
    isSystem: ({ event }) => hasRole(event.actor, 'system'),
    isClosureApproved: ({ context }) => context.closureApproval !== null,
    isAccepted: ({ context }) => context.verification !== null,
    isAcceptor: ({ context, event }) => context.verification?.acceptedBy === event.actor.id,
    isSelfAuditAllowed: ({ context }) => context.selfAuditAllowance !== null,
    // Separation of duties: whoever accepted the verification does not also approve the closure, unless allowed.
    isIndependentOfAcceptance: or([not('isAcceptor'), 'isSelfAuditAllowed']),
    mayAllowSelfAudit: and(['isDisciplineOffice', 'isAccepted', not('isAcceptor'), not('isSelfAuditAllowed')]),
    isIntegrityFinding: ({ context }) => context.roundType === 'integrity',
    needsClosureAudit: ({ context }) => context.roundType === 'integrity' || context.severity === 'critical',
    hasDeadline: ({ context }) => context.deadline !== null,
    withinExtensionLimit: ({ context }) => context.extensionRequests < context.extensionLimit,
    payloadFits: ({ context, event }) => isPayloadAside(event) || findingPayloadProblems(context, event).length === 0,
    isOpen: stateIn('#finding-open'),
    hasPendingExtension: stateIn('#finding-extension-requested'),
    mayRequestExtension: and([
      'isResponsibleDepartment',
      stateIn('#finding-open'),
      'hasDeadline',
      not(stateIn('#finding-open.reported')),
      'withinExtensionLimit',
      'payloadFits',
    ]),
  },
  actions: {
    assignDepartment: assign(({ context, event }) => {
      if (event.type !== 'ASSIGN') return {};
      return {
        responsibleDepartmentId: event.departmentId ?? context.responsibleDepartmentId,
        deadline: deadlineIn(event.deadline ?? addDays(event.today, context.defaultDeadlineDays), event.timeZone),
      };
    }),
    reassignDepartment: assign(({ event }) =>
      event.type === 'REASSIGN' ? { responsibleDepartmentId: event.departmentId } : {},
    ),
    recordEvidence: assign(({ event }) =>
      event.type === 'SUBMIT_EVIDENCE'
        ? {
            evidence: { note: event.note, attachments: event.attachments ?? [], submittedAt: event.at, submittedBy: event.actor.id },
            verification: null,
          }
        : {},
    ),
    recordAcceptance: assign({ verification: ({ event }) => ({ acceptedAt: event.at, acceptedBy: event.actor.id }) }),
    forgetAcceptance: assign({ verification: null, selfAuditAllowance: null }),
    recordClosureApproval: assign({ closureApproval: ({ event }) => ({ approvedAt: event.at, approvedBy: event.actor.id }) }),
    recordSelfAuditAllowance: assign(({ context, event }) =>
      event.type === 'ALLOW_SELF_AUDIT' && context.verification !== null
        ? { selfAuditAllowance: { allowedAt: event.at, allowedBy: event.actor.id, acceptedBy: context.verification.acceptedBy, reason: event.reason } }
        : {},
    ),
    recordPlan: assign(({ event }) =>
      event.type === 'SUBMIT_PLAN' ? { measures: event.measures, committedDate: event.committedDate } : {},
    ),
    countRejection: assign({ rejections: ({ context }) => context.rejections + 1 }),
    stampClosed: assign({ closedAt: ({ event }) => event.at }),
    reopen: assign({ closedAt: null, closureApproval: null, reopenCount: ({ context }) => context.reopenCount + 1 }),
    raiseEscalation: assign({ escalationLevel: ({ context }) => context.escalationLevel + 1 }),
    recordExtensionRequest: assign(({ context, event }) =>
      event.type === 'REQUEST_EXTENSION'
        ? { extensionRequests: context.extensionRequests + 1, proposedDeadline: deadlineIn(event.proposedDeadline, event.timeZone) }
        : {},
    ),
    extendDeadline: assign(({ context, event }) =>
      event.type === 'APPROVE_EXTENSION'
        ? {
            deadline: event.deadline ? deadlineIn(event.deadline, event.timeZone) : context.proposedDeadline,
            proposedDeadline: null,
            escalationLevel: 0,
          }
        : {},
    ),
    clearProposedDeadline: assign({ proposedDeadline: null }),
    // Markers: the engine acts on them inside the same transaction (the evidence's files are attached, the round may complete or reopen, people hear of it).
    attachEvidence: () => {},
    findingSettled: () => {},
    findingReopened: () => {},
    closureReviewed: () => {},
    selfAuditAllowed: () => {},
    notify: (_, _notice: Notice) => {},
  },
}).createMachine({
  id: 'finding',
  type: 'parallel',
  context: ({ input }) => ({
    ...input,
    evidence: null,
    verification: null,
    closureApproval: null,
    selfAuditAllowance: null,
    deadline: null,
    measures: null,
    committedDate: null,
    rejections: 0,
    reopenCount: 0,
    escalationLevel: 0,
    extensionRequests: 0,
    proposedDeadline: null,
    closedAt: null,
  }),
  states: {
    progress: {
      initial: 'open',
      states: {
        open: {
          id: 'finding-open',
          initial: 'reported',
          on: {
            // The service withdraws a cancelled round's findings itself: a joint round's parts have other leads.
            WITHDRAW: { guard: or(['isRoundLead', 'isSystem']), target: 'withdrawn' },
            TRANSFER: { guard: and(['isDisciplineOffice', 'isIntegrityFinding']), target: 'transferred' },
          },
          states: {
            reported: {
              on: {
                ASSIGN: {
                  guard: and(['isRoundLead', 'payloadFits']),
                  target: 'assigned',
                  actions: ['assignDepartment', notify('assigned', 'department_staff')],
                },
              },
            },
            assigned: {
              on: {
                DISPUTE: { guard: 'isResponsibleDepartment', target: 'disputed', actions: notify('disputed', 'round_lead') },
                REASSIGN: {
                  guard: and(['isRoundLead', 'payloadFits']),
                  target: 'assigned',
                  reenter: true,
                  actions: ['reassignDepartment', notify('assigned', 'department_staff')],
                },
                SUBMIT_PLAN: {
                  guard: and(['isResponsibleDepartment', 'payloadFits']),
                  target: 'rectifying',
                  actions: 'recordPlan',
                },
              },
            },
            disputed: {
              on: {
                REASSIGN: {
                  guard: and(['isRoundLead', 'payloadFits']),
                  target: 'assigned',
                  actions: ['reassignDepartment', notify('assigned', 'department_staff')],
                },
                UPHOLD: { guard: 'isRoundLead', target: 'assigned', actions: notify('assigned', 'department_staff') },
              },
            },
            rectifying: {
              on: {
                SUBMIT_EVIDENCE: {
                  guard: and(['isResponsibleDepartment', 'payloadFits']),
                  target: 'verifying',
                  actions: ['recordEvidence', 'attachEvidence', notify('evidence_submitted', 'verifier')],
                },
              },
            },
            verifying: {
              on: {
                VERIFY_ACCEPT: [
                  {
                    guard: and(['isVerifierForRoundType', 'needsClosureAudit']),
                    target: 'closure_audit',
                    actions: ['recordAcceptance', notify('closure_audit_requested', 'discipline_office')],
                  },
                  { guard: 'isVerifierForRoundType', target: '#finding-closed', actions: 'recordAcceptance' },
                ],
                VERIFY_REJECT: {
                  guard: 'isVerifierForRoundType',
                  target: 'rectifying',
                  actions: ['countRejection', notify('rejected', 'department_staff')],
                },
              },
            },
            closure_audit: {
              on: {
                AUDIT_APPROVE: {
                  guard: and(['isDisciplineOffice', 'isIndependentOfAcceptance']),
                  target: '#finding-closed',
                  actions: 'recordClosureApproval',
                },
                ALLOW_SELF_AUDIT: allowSelfAudit,
                AUDIT_REJECT: {
                  guard: 'isDisciplineOffice',
                  target: 'rectifying',
                  actions: ['forgetAcceptance', notify('rejected', 'department_staff')],
                },
              },
            },
          },
        },
        closed: {
          id: 'finding-closed',
          entry: ['stampClosed', 'findingSettled'],
          on: {
            // A closed finding drawn for the monthly sample: the discipline office approves the closure, leaving it closed.
            AUDIT_APPROVE: {
              guard: and(['isDisciplineOffice', not('isClosureApproved'), 'isIndependentOfAcceptance']),
              actions: ['recordClosureApproval', 'closureReviewed'],
            },
            ALLOW_SELF_AUDIT: { ...allowSelfAudit, guard: and(['mayAllowSelfAudit', not('isClosureApproved')]) },
            REOPEN: {
              guard: 'isDisciplineOffice',
              target: 'open.rectifying',
              actions: ['reopen', 'forgetAcceptance', 'closureReviewed', 'findingReopened', notify('reopened', 'department_staff')],
            },
          },
        },
        withdrawn: { entry: 'findingSettled' },
        transferred: { entry: 'findingSettled' },
      },
    },
    timeliness: {
      initial: 'on_track',
      on: {
        // An approved extension gives a later deadline, so the clock starts over.
        APPROVE_EXTENSION: {
          guard: and(['isVerifierForRoundType', 'hasPendingExtension', 'payloadFits']),
          target: '.on_track',
        },
      },
      states: {
        on_track: {
          on: {
            DUE_SOON: { guard: and(['isSystem', 'isOpen', 'hasDeadline']), target: 'due_soon', actions: notify('due_soon', 'department_staff') },
            DEADLINE_PASSED: deadlinePassed,
          },
        },
        due_soon: {
          on: { DEADLINE_PASSED: deadlinePassed },
        },
        overdue: {
          on: {
            ESCALATE: { guard: and(['isSystem', 'isOpen']), target: 'escalated', actions: ['raiseEscalation', notify('escalated')] },
          },
        },
        escalated: {
          on: {
            ESCALATE: { guard: and(['isSystem', 'isOpen']), actions: ['raiseEscalation', notify('escalated')] },
          },
        },
      },
    },
    extension: {
      initial: 'none',
      states: {
        none: { on: { REQUEST_EXTENSION: requestExtension } },
        requested: {
          id: 'finding-extension-requested',
          on: {
            APPROVE_EXTENSION: {
              guard: and(['isVerifierForRoundType', 'payloadFits']),
              target: 'approved',
              actions: ['extendDeadline', notify('extension_approved', 'department_staff')],
            },
            DENY_EXTENSION: {
              guard: 'isVerifierForRoundType',
              target: 'denied',
              actions: ['clearProposedDeadline', notify('extension_denied', 'department_staff')],
            },
          },
        },
        approved: { on: { REQUEST_EXTENSION: requestExtension } },
        denied: { on: { REQUEST_EXTENSION: requestExtension } },
      },
    },
  },
});

/** The three regions of a finding's state value, as flat names. */
export function findingStatus(value: unknown): { state: FindingProgress; timeliness: Timeliness; extension: ExtensionState } {
  const regions = value as { progress: FindingProgress | { open: FindingProgress }; timeliness: Timeliness; extension: ExtensionState };
  const state = typeof regions.progress === 'string' ? regions.progress : regions.progress.open;
  return { state, timeliness: regions.timeliness, extension: regions.extension };
}
