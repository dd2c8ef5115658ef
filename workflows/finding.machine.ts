import { and, assign, not, or, setup, stateIn } from 'xstate';
import { addDays } from './calendar';
import {
  Actor,
  PayloadProblem,
  RoundType,
  Severity,
  WorkflowEvent,
  hasRole,
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

export type FindingInput = Pick<
  FindingContext,
  'roundId' | 'roundType' | 'severity' | 'roundLeadId' | 'responsibleDepartmentId' | 'defaultDeadlineDays'
>;

export type FindingEvent =
  | WorkflowEvent<'ASSIGN', { departmentId?: string; deadline?: string }>
  | WorkflowEvent<'REASSIGN', { departmentId: string; reason: string }>
  | WorkflowEvent<'UPHOLD', { reason?: string }>
  | WorkflowEvent<'DISPUTE', { reason: string }>
  | WorkflowEvent<'SUBMIT_PLAN', { measures: string; committedDate: string }>
  | WorkflowEvent<'SUBMIT_EVIDENCE', { note: string; attachmentIds?: string[] }>
  | WorkflowEvent<'VERIFY_ACCEPT', { note?: string }>
  | WorkflowEvent<'VERIFY_REJECT', { reason: string }>
  | WorkflowEvent<'AUDIT_APPROVE', { note?: string }>
  | WorkflowEvent<'AUDIT_REJECT', { reason: string }>
  | WorkflowEvent<'REOPEN', { reason: string }>
  | WorkflowEvent<'WITHDRAW', { reason: string }>
  | WorkflowEvent<'TRANSFER', { reason: string }>
  | WorkflowEvent<'REQUEST_EXTENSION', { reason: string; proposedDeadline: string }>
  | WorkflowEvent<'APPROVE_EXTENSION', { deadline?: string }>
  | WorkflowEvent<'DENY_EXTENSION', { reason: string }>
  | WorkflowEvent<'DUE_SOON'>
  | WorkflowEvent<'DEADLINE_PASSED'>
  | WorkflowEvent<'ESCALATE'>;

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
  switch (event.type) {
    case 'ASSIGN':
      if (event.deadline !== undefined && event.deadline < event.today) {
        problems.push({ field: 'deadline', reason: `must not be before today (${event.today})` });
      }
      break;
    case 'REASSIGN':
      if (event.departmentId === context.responsibleDepartmentId) {
        problems.push({ field: 'departmentId', reason: 'is already the responsible department' });
      }
      break;
    case 'SUBMIT_PLAN':
      if (deadline !== null && event.committedDate !== undefined && event.committedDate > deadline) {
        problems.push({ field: 'committedDate', reason: `must not be after the deadline (${deadline})` });
      }
      break;
    case 'REQUEST_EXTENSION':
      if (deadline !== null && event.proposedDeadline !== undefined && event.proposedDeadline <= deadline) {
        problems.push({ field: 'proposedDeadline', reason: `must be later than the deadline (${deadline})` });
      }
      break;
    case 'APPROVE_EXTENSION':
      if (deadline !== null && event.deadline !== undefined && event.deadline <= deadline) {
        problems.push({ field: 'deadline', reason: `must be later than the deadline (${deadline})` });
      }
      break;
  }
  return problems;
}

/** Someone who would pass every "who" guard for this finding: tells 403 (not you) from 409 (nobody, now). */
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
  actions: 'recordExtensionRequest',
} as const;

export const findingMachine = setup({
  types: {
    context: {} as FindingContext,
    input: {} as FindingInput,
    events: {} as FindingEvent,
  },
  guards: {
    isRoundLead: ({ context, event }) => hasRole(event.actor, 'round_lead') && event.actor.id === context.roundLeadId,
    isResponsibleDepartment: ({ context, event }) =>
      hasRole(event.actor, 'department_staff') && event.actor.departmentId === context.responsibleDepartmentId,
    isVerifierForRoundType: ({ context, event }) =>
      hasRole(event.actor, 'verifier') && event.actor.leadOfficeFor.includes(context.roundType),
    isDisciplineOffice: ({ event }) => hasRole(event.actor, 'discipline_office'),
    isSystem: ({ event }) => hasRole(event.actor, 'system'),
    isIntegrityFinding: ({ context }) => context.roundType === 'integrity',
    needsClosureAudit: ({ context }) => context.roundType === 'integrity' || context.severity === 'critical',
    hasDeadline: ({ context }) => context.deadline !== null,
    payloadFits: ({ context, event }) => findingPayloadProblems(context, event).length === 0,
    isOpen: stateIn('#finding-open'),
    hasPendingExtension: stateIn('#finding-extension-requested'),
    mayRequestExtension: and([
      'isResponsibleDepartment',
      stateIn('#finding-open'),
      'hasDeadline',
      not(stateIn('#finding-open.reported')),
      'payloadFits',
    ]),
  },
  actions: {
    assignDepartment: assign(({ context, event }) => {
      if (event.type !== 'ASSIGN') return {};
      return {
        responsibleDepartmentId: event.departmentId ?? context.responsibleDepartmentId,
        deadline: event.deadline ?? addDays(event.today, context.defaultDeadlineDays),
      };
    }),
    reassignDepartment: assign(({ event }) =>
      event.type === 'REASSIGN' ? { responsibleDepartmentId: event.departmentId } : {},
    ),
    recordPlan: assign(({ event }) =>
      event.type === 'SUBMIT_PLAN' ? { measures: event.measures, committedDate: event.committedDate } : {},
    ),
    countRejection: assign({ rejections: ({ context }) => context.rejections + 1 }),
    stampClosed: assign({ closedAt: ({ event }) => event.at }),
    reopen: assign({ closedAt: null, reopenCount: ({ context }) => context.reopenCount + 1 }),
    raiseEscalation: assign({ escalationLevel: ({ context }) => context.escalationLevel + 1 }),
    recordExtensionRequest: assign(({ context, event }) =>
      event.type === 'REQUEST_EXTENSION'
        ? { extensionRequests: context.extensionRequests + 1, proposedDeadline: event.proposedDeadline }
        : {},
    ),
    extendDeadline: assign(({ context, event }) =>
      event.type === 'APPROVE_EXTENSION'
        ? { deadline: event.deadline ?? context.proposedDeadline, proposedDeadline: null, escalationLevel: 0 }
        : {},
    ),
    clearProposedDeadline: assign({ proposedDeadline: null }),
    // Markers: the engine acts on them inside the same transaction (the round may complete or reopen).
    findingSettled: () => {},
    findingReopened: () => {},
  },
}).createMachine({
  id: 'finding',
  type: 'parallel',
  context: ({ input }) => ({
    ...input,
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
                ASSIGN: { guard: and(['isRoundLead', 'payloadFits']), target: 'assigned', actions: 'assignDepartment' },
              },
            },
            assigned: {
              on: {
                DISPUTE: { guard: 'isResponsibleDepartment', target: 'disputed' },
                REASSIGN: {
                  guard: and(['isRoundLead', 'payloadFits']),
                  target: 'assigned',
                  reenter: true,
                  actions: 'reassignDepartment',
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
                  actions: 'reassignDepartment',
                },
                UPHOLD: { guard: 'isRoundLead', target: 'assigned' },
              },
            },
            rectifying: {
              on: {
                SUBMIT_EVIDENCE: { guard: 'isResponsibleDepartment', target: 'verifying' },
              },
            },
            verifying: {
              on: {
                VERIFY_ACCEPT: [
                  { guard: and(['isVerifierForRoundType', 'needsClosureAudit']), target: 'closure_audit' },
                  { guard: 'isVerifierForRoundType', target: '#finding-closed' },
                ],
                VERIFY_REJECT: { guard: 'isVerifierForRoundType', target: 'rectifying', actions: 'countRejection' },
              },
            },
            closure_audit: {
              on: {
                AUDIT_APPROVE: { guard: 'isDisciplineOffice', target: '#finding-closed' },
                AUDIT_REJECT: { guard: 'isDisciplineOffice', target: 'rectifying' },
              },
            },
          },
        },
        closed: {
          id: 'finding-closed',
          entry: ['stampClosed', 'findingSettled'],
          on: {
            REOPEN: { guard: 'isDisciplineOffice', target: 'open.rectifying', actions: ['reopen', 'findingReopened'] },
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
            DUE_SOON: { guard: and(['isSystem', 'isOpen', 'hasDeadline']), target: 'due_soon' },
            DEADLINE_PASSED: { guard: and(['isSystem', 'isOpen', 'hasDeadline']), target: 'overdue' },
          },
        },
        due_soon: {
          on: {
            DEADLINE_PASSED: { guard: and(['isSystem', 'isOpen', 'hasDeadline']), target: 'overdue' },
          },
        },
        overdue: {
          on: {
            ESCALATE: { guard: and(['isSystem', 'isOpen']), target: 'escalated', actions: 'raiseEscalation' },
          },
        },
        escalated: {
          on: {
            ESCALATE: { guard: and(['isSystem', 'isOpen']), actions: 'raiseEscalation' },
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
              actions: 'extendDeadline',
            },
            DENY_EXTENSION: {
              guard: 'isVerifierForRoundType',
              target: 'denied',
              actions: 'clearProposedDeadline',
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
