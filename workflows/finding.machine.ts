import { and, assign, not, or, setup, stateIn } from 'xstate';
import { addDays, addWorkingDays, deadlineIn } from './calendar';
import type { Audience, Notice, NoticeType } from './finding.notices';
import { findingPayloadProblems } from './finding.payload';
import { marker } from './marker';
import { isFindingLead, isResponsibleStaff } from './finding.refusals';
import { BEFORE_RECEIPT_AND_FOLLOW_UP, type FindingContext, type FindingEvent, type FindingInput } from './finding.types';
import { hasRole, isPayloadAside } from './vocabulary';

/** The `notify` action with its notice: the engine turns it into notifications, in the transition's transaction. */
const notify = (notice: NoticeType, ...to: Audience[]) => ({ type: 'notify', params: { notice, to } }) as const;

const requestExtension = {
  guard: 'mayRequestExtension',
  target: 'requested',
  actions: ['recordExtensionRequest', notify('extension_requested', 'verifier')],
} as const;

/** Leaves the state as it is: the acceptor may then send AUDIT_APPROVE; the engine records a security event. */
const allowSelfAudit = { guard: 'mayAllowSelfAudit', actions: ['recordSelfAuditAllowance', 'selfAuditAllowed'] } as const;

/** Reassigning hands the finding to another department, which signs for it afresh. */
const reassign = {
  guard: and(['isLead', 'payloadFits']),
  target: 'assigned',
  actions: ['reassignDepartment', 'awaitReceipt', notify('assigned', 'department_staff')],
} as const;

/** What signs for an assigned finding: ACKNOWLEDGE itself, or the plan or dispute its department sends (with those transitions' guards). */
const signFor = {
  ACKNOWLEDGE: { guard: and(['isResponsibleDepartment', 'isAssigned']), target: 'acknowledged', actions: 'recordReceipt' },
  SUBMIT_PLAN: { guard: and(['isResponsibleDepartment', 'isAssigned', 'payloadFits']), target: 'acknowledged', actions: 'recordReceipt' },
  DISPUTE: { guard: and(['isResponsibleDepartment', 'isAssigned']), target: 'acknowledged', actions: 'recordReceipt' },
} as const;

const deadlinePassed = {
  guard: and(['isSystem', 'isOpen', 'hasDeadline']),
  target: 'overdue',
  actions: notify('overdue', 'department_staff'),
} as const;

/**
 * One finding's machine: its guards and actions are named in `setup`, and its regions (progress,
 * timeliness, extension) use them by name. Its context and events are in finding.types.ts.
 */
export const findingMachine = setup({
  types: {
    context: {} as FindingContext,
    input: {} as FindingInput,
    events: {} as FindingEvent,
  },
  guards: {
    isLead: ({ context, event }) => isFindingLead(context, event.actor),
    isResponsibleDepartment: ({ context, event }) => isResponsibleStaff(context, event.actor),
    isVerifierForRoundType: ({ context, event }) =>
      hasRole(event.actor, 'verifier') && event.actor.leadOfficeFor.includes(context.roundType),
    // A department registering its own problem (自查) assigns it to itself.
    isSelfReport: ({ context, event }) => context.source === 'self_inspection' && isResponsibleStaff(context, event.actor),
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
    hasFollowUp: ({ context }) => context.followUp !== null,
    isAssigned: stateIn('#finding-open.assigned'),
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
      const moved = event.departmentId !== undefined && event.departmentId !== context.responsibleDepartmentId;
      return {
        responsibleDepartmentId: event.departmentId ?? context.responsibleDepartmentId,
        responsiblePersonId: moved ? null : context.responsiblePersonId,
        deadline: deadlineIn(event.deadline ?? addDays(event.today, context.defaultDeadlineDays), event.timeZone),
      };
    }),
    reassignDepartment: assign(({ event }) =>
      event.type === 'REASSIGN' ? { responsibleDepartmentId: event.departmentId, responsiblePersonId: event.responsiblePersonId ?? null } : {},
    ),
    awaitReceipt: assign(({ context, event }) => ({
      receiptDue: deadlineIn(addWorkingDays(event.today, context.receiptDays), event.timeZone),
      acknowledgedAt: null,
      receiptEscalationLevel: 0,
    })),
    recordReceipt: assign({ acknowledgedAt: ({ event }) => event.at }),
    raiseReceiptEscalation: assign({ receiptEscalationLevel: ({ context }) => context.receiptEscalationLevel + 1 }),
    scheduleFollowUpOnClosing: assign(({ context, event }) => ({
      followUp: context.followUpDays === null ? null : { dueOn: addDays(event.today, context.followUpDays), scheduledBy: 'system' },
    })),
    scheduleFollowUp: assign(({ event }) => (event.type === 'SCHEDULE_FOLLOW_UP' ? { followUp: { dueOn: event.dueOn, scheduledBy: event.actor.id } } : {})),
    passFollowUp: assign({ followUp: null }),
    // A failed follow-up check (反弹) reopens the rectification against a new deadline, with the clock started over.
    failFollowUp: assign(({ context, event }) =>
      event.type === 'FOLLOW_UP_FAILED'
        ? {
            followUp: null,
            relapses: context.relapses + 1,
            deadline: deadlineIn(event.deadline, event.timeZone),
            committedDue: null,
            escalationLevel: 0,
            closedAt: null,
            closureApproval: null,
            verification: null,
            selfAuditAllowance: null,
          }
        : {},
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
      event.type === 'SUBMIT_PLAN'
        ? { measures: event.measures, committedDate: event.committedDate, committedDue: deadlineIn(event.committedDate, event.timeZone) }
        : {},
    ),
    countRejection: assign({ rejections: ({ context }) => context.rejections + 1 }),
    stampClosed: assign({ closedAt: ({ event }) => event.at }),
    reopen: assign({ closedAt: null, closureApproval: null, followUp: null, reopenCount: ({ context }) => context.reopenCount + 1 }),
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
            // The deadline agreed now replaces the date the plan committed to.
            committedDue: null,
            escalationLevel: 0,
          }
        : {},
    ),
    clearProposedDeadline: assign({ proposedDeadline: null }),
    // The lead sets another deadline (an office working through a list): a commitment past it no longer stands.
    setDeadline: assign(({ context, event }) => {
      if (event.type !== 'SET_DEADLINE') return {};
      const deadline = deadlineIn(event.deadline, event.timeZone);
      const commitmentStands = context.committedDue !== null && Date.parse(context.committedDue) <= Date.parse(deadline);
      return { deadline, committedDue: commitmentStands ? context.committedDue : null, escalationLevel: 0 };
    }),
    // Markers: the engine acts on them inside the same transaction (the evidence's files are attached, the round may complete or reopen, people hear of it).
    attachEvidence: marker(),
    findingSettled: marker(),
    findingReopened: marker(),
    closureReviewed: marker(),
    selfAuditAllowed: marker(),
    notify: marker<Notice>(),
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
    ...BEFORE_RECEIPT_AND_FOLLOW_UP,
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
            WITHDRAW: { guard: or(['isLead', 'isSystem']), target: 'withdrawn' },
            SET_DEADLINE: { guard: and(['isLead', 'hasDeadline', 'payloadFits']), actions: ['setDeadline', notify('deadline_set', 'department_staff')] },
            TRANSFER: { guard: and(['isDisciplineOffice', 'isIntegrityFinding']), target: 'transferred' },
          },
          states: {
            reported: {
              on: {
                ASSIGN: {
                  guard: and([or(['isLead', 'isSelfReport']), 'payloadFits']),
                  target: 'assigned',
                  actions: ['assignDepartment', 'awaitReceipt', notify('assigned', 'department_staff')],
                },
              },
            },
            assigned: {
              on: {
                DISPUTE: { guard: 'isResponsibleDepartment', target: 'disputed', actions: notify('disputed', 'round_lead') },
                REASSIGN: { ...reassign, reenter: true },
                SUBMIT_PLAN: {
                  guard: and(['isResponsibleDepartment', 'payloadFits']),
                  target: 'rectifying',
                  actions: 'recordPlan',
                },
              },
            },
            disputed: {
              on: {
                REASSIGN: reassign,
                UPHOLD: { guard: 'isLead', target: 'assigned', actions: notify('assigned', 'department_staff') },
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
          entry: ['stampClosed', 'scheduleFollowUpOnClosing', 'findingSettled'],
          on: {
            SCHEDULE_FOLLOW_UP: { guard: and(['isVerifierForRoundType', 'payloadFits']), actions: 'scheduleFollowUp' },
            FOLLOW_UP_PASSED: { guard: and(['isVerifierForRoundType', 'hasFollowUp']), actions: ['passFollowUp', 'attachEvidence'] },
            FOLLOW_UP_FAILED: {
              guard: and(['isVerifierForRoundType', 'hasFollowUp', 'payloadFits']),
              target: 'open.rectifying',
              actions: ['failFollowUp', 'attachEvidence', 'findingReopened', notify('follow_up_failed', 'department_staff')],
            },
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
        // An approved extension, or a failed follow-up check, gives a later deadline, so the clock starts over.
        APPROVE_EXTENSION: {
          guard: and(['isVerifierForRoundType', 'hasPendingExtension', 'payloadFits']),
          target: '.on_track',
        },
        FOLLOW_UP_FAILED: {
          guard: and(['isVerifierForRoundType', stateIn('#finding-closed'), 'hasFollowUp', 'payloadFits']),
          target: '.on_track',
        },
        SET_DEADLINE: { guard: and(['isLead', 'isOpen', 'hasDeadline', 'payloadFits']), target: '.on_track' },
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
    // Signing for a finding (签收) blocks nothing; a plan or a dispute signs for it too. Each transition
    // here that answers a progress event carries that transition's own guard, so neither runs without the other.
    receipt: {
      initial: 'unacknowledged',
      on: {
        REASSIGN: { guard: and([or(['isAssigned', stateIn('#finding-open.disputed')]), 'isLead', 'payloadFits']), target: '.unacknowledged' },
      },
      states: {
        unacknowledged: {
          on: {
            ...signFor,
            RECEIPT_LATE: { guard: and(['isSystem', 'isAssigned']), target: 'late', actions: notify('receipt_late', 'department_staff') },
          },
        },
        late: {
          on: {
            ...signFor,
            RECEIPT_ESCALATE: {
              guard: and(['isSystem', 'isAssigned']),
              actions: ['raiseReceiptEscalation', notify('receipt_escalated')],
            },
          },
        },
        acknowledged: {},
      },
    },
  },
});
