import { and, assign, setup } from 'xstate';
import { marker } from './marker';
import { RecordedResult, deductionOf, missingItems } from './checklist';
import { addressedPart, partOf, roundPayloadProblems } from './round.payload';
import type { RoundContext, RoundEvent, RoundInput } from './round.types';
import { ROUND_TYPES, RoundType, hasRole } from './vocabulary';

/** The workflow id of a round of these types: one machine per combination, since parallel regions are fixed per machine. */
export function roundWorkflowId(types: readonly RoundType[]): string {
  const ordered = ROUND_TYPES.filter((type) => types.includes(type));
  return ordered.length === 1 ? `${ordered[0].replace('_', '-')}-round` : `joint-round.${ordered.join('+')}`;
}

type PartParams = { type: RoundType };

/** The machine of a round of these types: one region per part while in progress. Its context and events are in round.types.ts. */
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
            const recorded: RecordedResult = {
              result: event.result,
              deduction: deductionOf(item, event.result, event.deduction),
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
      createFinding: marker(),
      assignReportedFindings: marker(),
      withdrawOpenFindings: marker(),
      completeIfSettled: marker(),
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
