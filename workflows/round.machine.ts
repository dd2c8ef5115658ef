import { and, assign, setup } from 'xstate';
import { Actor, DepartmentKind, PayloadProblem, RoundType, Severity, WorkflowEvent, hasRole } from './vocabulary';

/**
 * What the three round types share: planned → in_progress → submitted → completed, or cancelled
 * before submission. Each type adds its own rule for which departments its findings may target.
 */
export interface RoundContext {
  types: RoundType[];
  departmentId: string;
  leadId: string;
  teamMemberIds: string[];
  findingsLogged: number;
}

export type RoundInput = Omit<RoundContext, 'findingsLogged'>;

/** A finding as the inspector logs it; the engine creates it when the round accepts LOG_FINDING. */
export interface LoggedFinding {
  id: string;
  roundType: RoundType;
  severity: Severity;
  responsibleDepartment: { id: string; kind: DepartmentKind };
  title: string;
  description: string;
  location: string | null;
}

export type RoundEvent =
  | WorkflowEvent<'START'>
  | WorkflowEvent<'SUBMIT'>
  | WorkflowEvent<'CANCEL', { reason: string }>
  | WorkflowEvent<'LOG_FINDING', { finding: LoggedFinding }>
  /** Sent by the service when the last open finding of a submitted round settles. */
  | WorkflowEvent<'COMPLETE', { openFindings: number }>
  /** Sent by the service when a finding of a completed round is reopened. */
  | WorkflowEvent<'FINDING_REOPENED'>;

export const ROUND_STATES = ['planned', 'in_progress', 'submitted', 'completed', 'cancelled'] as const;
export type RoundState = (typeof ROUND_STATES)[number];

export interface RoundTypeRules {
  id: string;
  type: RoundType;
  /** Whether a finding of this round may name this department as responsible. */
  mayTarget: (round: RoundContext, department: LoggedFinding['responsibleDepartment']) => boolean;
  /** Said in the 400 answer when `mayTarget` refuses. */
  targetRule: string;
}

export function roundPrivilegedActor(context: RoundContext): Actor {
  return { id: context.leadId, roles: ['round_lead', 'inspector', 'system'], departmentId: null, leadOfficeFor: [] };
}

export function createRoundMachine(rules: RoundTypeRules) {
  const payloadProblems = (context: RoundContext, event: RoundEvent): PayloadProblem[] => {
    if (event.type !== 'LOG_FINDING' || event.finding === undefined) return [];
    const problems: PayloadProblem[] = [];
    if (!context.types.includes(event.finding.roundType)) {
      problems.push({ field: 'roundType', reason: `must be one of this round's types: ${context.types.join(', ')}` });
    }
    if (!rules.mayTarget(context, event.finding.responsibleDepartment)) {
      problems.push({ field: 'responsibleDepartmentId', reason: rules.targetRule });
    }
    return problems;
  };

  const machine = setup({
    types: {
      context: {} as RoundContext,
      input: {} as RoundInput,
      events: {} as RoundEvent,
    },
    guards: {
      isLead: ({ context, event }) => hasRole(event.actor, 'round_lead') && event.actor.id === context.leadId,
      isOnTeam: ({ context, event }) =>
        (hasRole(event.actor, 'round_lead') && event.actor.id === context.leadId) ||
        (hasRole(event.actor, 'inspector') && context.teamMemberIds.includes(event.actor.id)),
      isSystem: ({ event }) => hasRole(event.actor, 'system'),
      payloadFits: ({ context, event }) => payloadProblems(context, event).length === 0,
      noOpenFindings: ({ event }) => event.type === 'COMPLETE' && event.openFindings === 0,
    },
    actions: {
      countFinding: assign({ findingsLogged: ({ context }) => context.findingsLogged + 1 }),
      // Markers: the engine acts on them inside the same transaction.
      createFinding: () => {},
      assignReportedFindings: () => {},
      withdrawOpenFindings: () => {},
      completeIfSettled: () => {},
    },
  }).createMachine({
    id: rules.id,
    context: ({ input }) => ({ ...input, findingsLogged: 0 }),
    initial: 'planned',
    states: {
      planned: {
        on: {
          START: { guard: 'isLead', target: 'in_progress' },
          CANCEL: { guard: 'isLead', target: 'cancelled' },
        },
      },
      in_progress: {
        on: {
          LOG_FINDING: { guard: and(['isOnTeam', 'payloadFits']), actions: ['countFinding', 'createFinding'] },
          SUBMIT: { guard: 'isLead', target: 'submitted', actions: ['assignReportedFindings', 'completeIfSettled'] },
          CANCEL: { guard: 'isLead', target: 'cancelled', actions: 'withdrawOpenFindings' },
        },
      },
      submitted: {
        on: {
          COMPLETE: { guard: and(['isSystem', 'noOpenFindings']), target: 'completed' },
        },
      },
      completed: {
        on: {
          FINDING_REOPENED: { guard: 'isSystem', target: 'submitted' },
        },
      },
      cancelled: { type: 'final' },
    },
  });

  return { machine, payloadProblems };
}
