import { AnyActorScope, AnyStateMachine, EventObject, createActor, getNextTransitions } from 'xstate';
import { administrativeRound } from './administrative-round.machine';
import {
  FindingContext,
  FindingEvent,
  findingMachine,
  findingPayloadProblems,
  findingPrivilegedActor,
} from './finding.machine';
import { integrityRound } from './integrity-round.machine';
import { partyBuildingRound } from './party-building-round.machine';
import { RoundContext, RoundEvent, roundPrivilegedActor } from './round.machine';
import { Actor, Envelope, PayloadProblem, RoundType } from './vocabulary';

export type EntityType = 'round' | 'finding';

/** A machine together with what the engine needs to explain its answers. */
export interface Workflow {
  id: string;
  version: number;
  entityType: EntityType;
  description: string;
  machine: AnyStateMachine;
  payloadProblems(context: unknown, event: EventObject): PayloadProblem[];
  privilegedActor(context: unknown): Actor;
}

/** What is stored for a subject: enough to restore it with `machine.resolveState`. */
export interface StoredSnapshot {
  value: unknown;
  context: unknown;
}

function roundWorkflow(round: typeof administrativeRound, description: string): Workflow {
  return {
    id: round.machine.id,
    version: 1,
    entityType: 'round',
    description,
    machine: round.machine,
    payloadProblems: (context, event) => round.payloadProblems(context as RoundContext, event as RoundEvent),
    privilegedActor: (context) => roundPrivilegedActor(context as RoundContext),
  };
}

export const WORKFLOWS: readonly Workflow[] = [
  roundWorkflow(administrativeRound, '行政查房 — administrative round'),
  roundWorkflow(partyBuildingRound, '党建查房 — Party-building round'),
  roundWorkflow(integrityRound, '廉政查房 — integrity round'),
  {
    id: findingMachine.id,
    version: 1,
    entityType: 'finding',
    description: '问题整改 — finding rectification: progress, timeliness and extension',
    machine: findingMachine,
    payloadProblems: (context, event) => findingPayloadProblems(context as FindingContext, event as FindingEvent),
    privilegedActor: (context) => findingPrivilegedActor(context as FindingContext),
  },
];

export const ROUND_WORKFLOW_BY_TYPE: Record<RoundType, string> = {
  administrative: administrativeRound.machine.id,
  party_building: partyBuildingRound.machine.id,
  integrity: integrityRound.machine.id,
};

export class UnknownWorkflowError extends Error {
  constructor(
    readonly workflowId: string,
    readonly version: number,
  ) {
    super(
      `No workflow "${workflowId}" at version ${version} is known to this service ` +
        `(known: ${WORKFLOWS.map((w) => `${w.id}@${w.version}`).join(', ')}); refusing to guess how to restore it`,
    );
    this.name = 'UnknownWorkflowError';
  }
}

export function resolveWorkflow(id: string, version: number): Workflow {
  const workflow = WORKFLOWS.find((w) => w.id === id && w.version === version);
  if (!workflow) throw new UnknownWorkflowError(id, version);
  return workflow;
}

export function currentWorkflow(id: string): Workflow {
  const versions = WORKFLOWS.filter((w) => w.id === id);
  if (versions.length === 0) throw new UnknownWorkflowError(id, 0);
  return versions.reduce((latest, w) => (w.version > latest.version ? w : latest));
}

export type Snapshot = ReturnType<AnyStateMachine['resolveState']>;

export function restore(workflow: Workflow, stored: StoredSnapshot): Snapshot {
  return workflow.machine.resolveState(stored as Parameters<AnyStateMachine['resolveState']>[0]);
}

export function toStored(snapshot: Snapshot): StoredSnapshot {
  return { value: snapshot.value, context: snapshot.context };
}

const scopes = new WeakMap<AnyStateMachine, AnyActorScope & { executed: string[] }>();

/**
 * The next snapshot and the types of the actions the machine chose, like xstate's `transition()`
 * without its per-call cost: that builds a throwaway actor, initial snapshot included, for every
 * event. These machines spawn nothing and their actions run nowhere, so one inert scope per
 * machine serves every call.
 */
export function step(workflow: Workflow, snapshot: Snapshot, event: EventObject): [Snapshot, string[]] {
  let scope = scopes.get(workflow.machine);
  if (!scope) {
    const self = createActor(workflow.machine);
    const executed: string[] = [];
    scope = {
      self,
      system: self.system,
      id: '',
      sessionId: '',
      logger: () => {},
      defer: () => {},
      emit: () => {},
      stopChild: () => {},
      actionExecutor: (action) => void executed.push(action.type),
      executed,
    };
    scopes.set(workflow.machine, scope);
  }
  scope.executed.length = 0;
  const next = workflow.machine.transition(snapshot, event, scope);
  return [next, [...scope.executed]];
}

const handledByState = new WeakMap<AnyStateMachine, Map<string, string[]>>();

/** Event types the current state has a transition for, whoever sends them, in alphabetical order; a function of the state value alone. */
export function eventsHandled(snapshot: Snapshot): string[] {
  let byState = handledByState.get(snapshot.machine);
  if (!byState) handledByState.set(snapshot.machine, (byState = new Map()));
  const state = JSON.stringify(snapshot.value);
  let handled = byState.get(state);
  if (!handled) {
    handled = [...new Set(getNextTransitions(snapshot).map((t) => t.eventType))].filter((type) => type !== '').sort();
    byState.set(state, handled);
  }
  return handled;
}

/** Event types this actor may send now (payload aside), in alphabetical order. */
export function availableEvents(snapshot: Snapshot, envelope: Envelope): string[] {
  return eventsHandled(snapshot).filter((type) => snapshot.can({ type, ...envelope }));
}

export type Decision =
  | { verdict: 'accepted' }
  | { verdict: 'not_now'; availableEvents: string[] }
  | { verdict: 'invalid'; problems: PayloadProblem[] }
  | { verdict: 'forbidden' };

/**
 * Whether the event may be applied, and if not, why: nobody may send it in this state (409),
 * its payload does not fit the subject (400), or somebody may but not this actor (403).
 */
export function decide(workflow: Workflow, snapshot: Snapshot, event: EventObject & Envelope): Decision {
  const envelope: Envelope = { actor: event.actor, at: event.at, today: event.today };
  if (snapshot.can(event)) return { verdict: 'accepted' };
  const notNow = (): Decision => ({ verdict: 'not_now', availableEvents: availableEvents(snapshot, envelope) });
  if (!eventsHandled(snapshot).includes(event.type)) return notNow();
  const problems = workflow.payloadProblems(snapshot.context, event);
  if (problems.length > 0) return { verdict: 'invalid', problems };
  const privileged = { ...event, actor: workflow.privilegedActor(snapshot.context) };
  return snapshot.can(privileged) ? { verdict: 'forbidden' } : notNow();
}

/** Every state as a dotted path (`progress.open.assigned`), in document order. */
export function statePaths(machine: AnyStateMachine): string[] {
  const walk = (node: AnyStateMachine['root'], prefix: string): string[] =>
    Object.values(node.states).flatMap((child) => {
      const path = prefix ? `${prefix}.${child.key}` : child.key;
      return [path, ...walk(child as AnyStateMachine['root'], path)];
    });
  return walk(machine.root, '');
}
