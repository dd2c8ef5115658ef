import { and, assign, setup } from 'xstate';
import {
  ChecklistRef,
  ItemResult,
  RecordedResult,
  Score,
  checklistScore,
  combinedScore,
  isDeductionStep,
  missingItems,
} from './checklist';
import { ROUND_TYPE_RULES } from './round-types';
import { Actor, Conflict, DepartmentKind, EvidenceFile, PayloadProblem, ROUND_TYPES, RoundType, Severity, WorkflowEvent, hasRole } from './vocabulary';

/**
 * A round is one visit to a department, inspecting it against one checklist per round type:
 * planned → in_progress → submitted → completed, or cancelled before submission. While in progress,
 * each type is a part (a parallel region) with its own lead, team, checklist and results; the round
 * is submitted when every part is. A joint round (联动查房) is simply a round with several parts.
 */
export interface RoundPart {
  type: RoundType;
  leadId: string;
  teamMemberIds: string[];
  checklist: ChecklistRef;
  /** By item code. */
  results: Record<string, RecordedResult>;
}

export interface RoundContext {
  types: RoundType[];
  departmentId: string;
  /** Plans, starts and cancels the whole visit. */
  leadId: string;
  teamMemberIds: string[];
  findingsLogged: number;
  parts: RoundPart[];
}

export interface RoundInput extends Omit<RoundContext, 'findingsLogged' | 'parts'> {
  parts: Omit<RoundPart, 'results'>[];
}

/** A finding as the inspector logs it; the engine creates it when the round accepts the event. */
export interface LoggedFinding {
  id: string;
  roundType: RoundType;
  severity: Severity;
  responsibleDepartment: { id: string; kind: DepartmentKind };
  title: string;
  description: string;
  location: string | null;
  /** The checklist item whose failure raised it. */
  checklistItemCode: string | null;
  /** Photos taken when it was found. */
  photos?: EvidenceFile[];
}

export type RoundEvent =
  | WorkflowEvent<'START'>
  /** Submits one part; `roundType` may be left out when the round has one. */
  | WorkflowEvent<'SUBMIT', { roundType?: RoundType }>
  | WorkflowEvent<'CANCEL', { reason: string }>
  | WorkflowEvent<'LOG_FINDING', { finding: LoggedFinding }>
  | WorkflowEvent<
      'RECORD_RESULT',
      { roundType: RoundType; itemCode: string; result: ItemResult; deduction?: number; note?: string | null; finding?: LoggedFinding }
    >
  /** Sent by the service when the last open finding of a submitted round settles. */
  | WorkflowEvent<'COMPLETE', { openFindings: number }>
  /** Sent by the service when a finding of a completed round is reopened. */
  | WorkflowEvent<'FINDING_REOPENED'>;

export const ROUND_STATES = ['planned', 'in_progress', 'submitted', 'completed', 'cancelled'] as const;
export type RoundState = (typeof ROUND_STATES)[number];

export const PART_STATES = ['planned', 'inspecting', 'submitted', 'completed', 'cancelled'] as const;
export type PartState = (typeof PART_STATES)[number];

export const partOf = (context: Pick<RoundContext, 'parts'>, type: RoundType | undefined): RoundPart | undefined =>
  context.parts.find((part) => part.type === type);

/** The part an event is about: the finding's type, the result's type, or the only part. */
export function addressedPart(context: RoundContext, event: RoundEvent): RoundType | undefined {
  switch (event.type) {
    case 'LOG_FINDING':
      return event.finding?.roundType;
    case 'RECORD_RESULT':
      return event.roundType;
    case 'SUBMIT':
      return event.roundType ?? (context.types.length === 1 ? context.types[0] : undefined);
    default:
      return undefined;
  }
}

export function roundPayloadProblems(context: RoundContext, event: RoundEvent): PayloadProblem[] {
  const problems: PayloadProblem[] = [];
  const type = addressedPart(context, event);
  const part = partOf(context, type);
  const typeProblem = (field: string) =>
    part ? [] : [{ field, reason: `must be one of this round's types: ${context.types.join(', ')}` }];
  const findingProblems = (finding: LoggedFinding | undefined, prefix: string): PayloadProblem[] => {
    const rules = finding && ROUND_TYPE_RULES[finding.roundType];
    return rules && !rules.mayTarget(context, finding.responsibleDepartment)
      ? [{ field: `${prefix}responsibleDepartmentId`, reason: rules.targetRule }]
      : [];
  };
  switch (event.type) {
    case 'LOG_FINDING':
      if (event.finding === undefined) break;
      problems.push(...typeProblem('roundType'), ...findingProblems(event.finding, ''));
      break;
    case 'SUBMIT':
      if (type === undefined) {
        problems.push({ field: 'roundType', reason: `is required for a joint round: one of ${context.types.join(', ')}` });
      } else problems.push(...typeProblem('roundType'));
      break;
    case 'RECORD_RESULT': {
      problems.push(...typeProblem('roundType'));
      const item = part?.checklist.items.find((i) => i.code === event.itemCode);
      if (part && !item) {
        problems.push({ field: 'itemCode', reason: `is not an item of the ${part.type} checklist (version ${part.checklist.version})` });
      }
      if (event.deduction !== undefined) {
        if (event.result !== 'fail' && event.deduction !== 0) {
          problems.push({ field: 'deduction', reason: 'must be 0 unless the result is fail' });
        } else if (item && (event.deduction < 0 || event.deduction > item.maxDeduction || !isDeductionStep(event.deduction))) {
          problems.push({ field: 'deduction', reason: `must be between 0 and ${item.maxDeduction} (the item's maximum), in steps of 0.5` });
        }
      }
      if (event.finding !== undefined) {
        if (event.result !== 'fail') problems.push({ field: 'raiseFinding', reason: 'only a failed item raises a finding' });
        problems.push(...findingProblems(event.finding, 'raiseFinding.'));
      }
      break;
    }
  }
  return problems;
}

/** Why nobody may send the event now, when the state alone does not say: a part submitted with items unanswered. */
export function roundConflict(context: RoundContext, event: RoundEvent): Conflict | null {
  if (event.type !== 'SUBMIT') return null;
  const part = partOf(context, addressedPart(context, event));
  const missing = part ? missingItems(part.checklist, part.results) : [];
  if (!part || missing.length === 0) return null;
  return {
    message: `The ${part.type} checklist has ${missing.length} item(s) without a result`,
    details: { roundType: part.type, missingItems: missing },
    entitled: event.actor.id === part.leadId,
  };
}

export function roundPrivilegedActor(context: RoundContext, event: RoundEvent): Actor {
  const id = partOf(context, addressedPart(context, event))?.leadId ?? context.leadId;
  return { id, roles: ['round_lead', 'inspector', 'system'], departmentId: null, leadOfficeFor: [] };
}

export function partScore(part: RoundPart): Score {
  return checklistScore(part.checklist, part.results);
}

export function roundScore(context: RoundContext): Score {
  return combinedScore(context.parts.map(partScore));
}

/** The workflow id of a round of these types: one machine per combination, since parallel regions are fixed per machine. */
export function roundWorkflowId(types: readonly RoundType[]): string {
  const ordered = ROUND_TYPES.filter((type) => types.includes(type));
  return ordered.length === 1 ? `${ordered[0].replace('_', '-')}-round` : `joint-round.${ordered.join('+')}`;
}

/** The round's state and each part's, from the snapshot's value. */
export function roundStatus(value: unknown): { state: RoundState; parts: Partial<Record<RoundType, PartState>> } {
  if (typeof value === 'string') return { state: value as RoundState, parts: {} };
  const regions = (value as { in_progress: Partial<Record<RoundType, PartState>> }).in_progress;
  return { state: 'in_progress', parts: regions };
}

type PartParams = { type: RoundType };

export function createRoundMachine(types: readonly RoundType[]) {
  const machine = setup({
    types: {
      context: {} as RoundContext,
      input: {} as RoundInput,
      events: {} as RoundEvent,
    },
    guards: {
      isLead: ({ context, event }) => hasRole(event.actor, 'round_lead') && event.actor.id === context.leadId,
      isSystem: ({ event }) => hasRole(event.actor, 'system'),
      addressesPart: ({ context, event }, { type }: PartParams) => addressedPart(context, event) === type,
      isPartLead: ({ context, event }, { type }: PartParams) =>
        hasRole(event.actor, 'round_lead') && event.actor.id === partOf(context, type)?.leadId,
      isOnPartTeam: ({ context, event }, { type }: PartParams) => {
        const part = partOf(context, type);
        return (
          (hasRole(event.actor, 'round_lead') && event.actor.id === part?.leadId) ||
          (hasRole(event.actor, 'inspector') && part?.teamMemberIds.includes(event.actor.id) === true)
        );
      },
      checklistComplete: ({ context }, { type }: PartParams) => {
        const part = partOf(context, type);
        return part !== undefined && missingItems(part.checklist, part.results).length === 0;
      },
      payloadFits: ({ context, event }) => roundPayloadProblems(context, event).length === 0,
      raisesFinding: ({ event }) => event.type === 'RECORD_RESULT' && event.finding !== undefined,
      noOpenFindings: ({ event }) => event.type === 'COMPLETE' && event.openFindings === 0,
    },
    actions: {
      countFinding: assign({ findingsLogged: ({ context }) => context.findingsLogged + 1 }),
      recordResult: assign({
        parts: ({ context, event }) => {
          if (event.type !== 'RECORD_RESULT') return context.parts;
          return context.parts.map((part) => {
            if (part.type !== event.roundType) return part;
            const item = part.checklist.items.find((i) => i.code === event.itemCode);
            const failed = event.result === 'fail';
            const recorded: RecordedResult = {
              result: event.result,
              deduction: failed ? (event.deduction ?? item?.maxDeduction ?? 0) : 0,
              note: event.note ?? null,
              // A result re-recorded keeps the finding it raised.
              findingId: event.finding?.id ?? part.results[event.itemCode]?.findingId ?? null,
              recordedBy: event.actor.id,
              recordedAt: event.at,
            };
            return { ...part, results: { ...part.results, [event.itemCode]: recorded } };
          });
        },
      }),
      // Markers: the engine acts on them inside the same transaction.
      createFinding: () => {},
      assignReportedFindings: () => {},
      withdrawOpenFindings: () => {},
      completeIfSettled: () => {},
    },
  }).createMachine({
    id: roundWorkflowId(types),
    context: ({ input }) => ({ ...input, findingsLogged: 0, parts: input.parts.map((part) => ({ ...part, results: {} })) }),
    initial: 'planned',
    states: {
      planned: {
        on: {
          START: { guard: 'isLead', target: 'in_progress' },
          CANCEL: { guard: 'isLead', target: 'cancelled' },
        },
      },
      in_progress: {
        type: 'parallel',
        states: Object.fromEntries(types.map((type) => [type, partRegion(type)])),
        onDone: { target: 'submitted', actions: 'completeIfSettled' },
        on: {
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
  return machine;
}

/** One part of a round in progress: its team records results and logs findings; its lead submits it. */
function partRegion(type: RoundType) {
  const params = { type };
  const addressed = { type: 'addressesPart', params } as const;
  const onTeam = { type: 'isOnPartTeam', params } as const;
  return {
    initial: 'inspecting',
    states: {
      inspecting: {
        on: {
          LOG_FINDING: { guard: and([addressed, onTeam, 'payloadFits']), actions: ['countFinding', 'createFinding'] },
          RECORD_RESULT: [
            { guard: and([addressed, onTeam, 'payloadFits', 'raisesFinding']), actions: ['recordResult', 'countFinding', 'createFinding'] },
            { guard: and([addressed, onTeam, 'payloadFits']), actions: 'recordResult' },
          ],
          SUBMIT: {
            guard: and([addressed, { type: 'isPartLead', params }, { type: 'checklistComplete', params }, 'payloadFits']),
            target: 'submitted',
            actions: 'assignReportedFindings',
          },
        },
      },
      submitted: { type: 'final' },
    },
  } as const;
}

export type RoundMachine = ReturnType<typeof createRoundMachine>;
