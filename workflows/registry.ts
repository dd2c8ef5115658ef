import { AnyActorScope, AnyStateMachine, EventObject, ParameterizedObject, createActor, getNextTransitions } from 'xstate';
import { findingDecisionBasis } from './finding.decision';
import { findingMachine } from './finding.machine';
import { findingPayloadProblems } from './finding.payload';
import { findingConflict, findingPrivilegedActor } from './finding.refusals';
import type { FindingContext, FindingEvent } from './finding.types';
import { upgradeFindingV4 } from './finding.versions';
import type { StoredSnapshot } from './stored-snapshot';
import { ROUND_TYPE_RULES } from './round-types';
import { createRoundMachine, roundWorkflowId } from './round.machine';
import { roundPayloadProblems } from './round.payload';
import { roundConflict, roundPrivilegedActor } from './round.refusals';
import type { RoundContext, RoundEvent } from './round.types';
import { Actor, Conflict, Envelope, PAYLOAD_ASIDE, PayloadProblem, ROUND_TYPES, RoundType } from './vocabulary';

export type EntityType = 'round' | 'finding';

/** A machine together with what the engine needs to explain its answers. */
export interface Workflow {
  id: string;
  version: number;
  entityType: EntityType;
  description: string;
  machine: AnyStateMachine;
  payloadProblems(context: unknown, event: EventObject): PayloadProblem[];
  /** Someone who would pass every "who" guard for this event: tells 403 (not you) from 409 (nobody, now). */
  privilegedActor(context: unknown, event: EventObject): Actor;
  /**
   * Why nobody may send the event now, when the state alone does not explain it (409 with details),
   * and whether the sender is one who could otherwise send it: only they hear why.
   */
  conflict?(context: unknown, event: EventObject): Conflict | null;
  /** For a decision, what it is taken on, recorded in its audit entry; null for other events. */
  decisionBasis?(context: unknown, event: EventObject): Record<string, unknown> | null;
  /**
   * For an older version whose snapshots stay stored as they were: the snapshot as the current
   * version's machine reads it; a snapshot already read so is answered as it is. The engine stores
   * the next transition under the current version.
   */
  upgrade?(stored: StoredSnapshot): StoredSnapshot;
}

export type { StoredSnapshot } from './stored-snapshot';

/** Every combination of round types: one type is an ordinary round, several a joint round (联动查房). */
const ROUND_TYPE_COMBINATIONS: RoundType[][] = [1, 2, 4, 3, 5, 6, 7].map((bits) => ROUND_TYPES.filter((_, index) => bits & (1 << index)));

function roundWorkflow(types: RoundType[]): Workflow {
  return {
    id: roundWorkflowId(types),
    // Version 2 gave rounds their checklists and parts; the migration to it rewrote every version-1 snapshot.
    version: types.length === 1 ? 2 : 1,
    entityType: 'round',
    description:
      types.length === 1
        ? ROUND_TYPE_RULES[types[0]].description
        : `联动查房 — joint round: ${types.map((type) => ROUND_TYPE_RULES[type].description.split(' — ')[1]).join(' + ')}`,
    machine: createRoundMachine(types),
    payloadProblems: (context, event) => roundPayloadProblems(context as RoundContext, event as RoundEvent),
    privilegedActor: (context, event) => roundPrivilegedActor(context as RoundContext, event as RoundEvent),
    conflict: (context, event) => roundConflict(context as RoundContext, event as RoundEvent),
  };
}

const findingWorkflow: Workflow = {
  id: findingMachine.id,
  // Version 2 made deadlines instants and limited extension requests; version 3 keeps the evidence and its
  // acceptance; version 4 keeps the acceptor from approving the closure audit unless allowed (ALLOW_SELF_AUDIT);
  // their migrations rewrote every older snapshot. Version 5 lets a finding come without a round, from any
  // source, and adds its receipt, committed date, responsible person and follow-up check; version-4 snapshots
  // stay stored as they are and are read through `upgradeFindingV4`.
  version: 5,
  entityType: 'finding',
  description: '问题整改 — finding rectification: progress, timeliness, extension and receipt',
  machine: findingMachine,
  payloadProblems: (context, event) => findingPayloadProblems(context as FindingContext, event as FindingEvent),
  privilegedActor: (context) => findingPrivilegedActor(context as FindingContext),
  conflict: (context, event) => findingConflict(context as FindingContext, event as FindingEvent),
  decisionBasis: (context, event) => findingDecisionBasis(context as FindingContext, event as FindingEvent),
};

export const WORKFLOWS: readonly Workflow[] = [
  ...ROUND_TYPE_COMBINATIONS.map(roundWorkflow),
  findingWorkflow,
  { ...findingWorkflow, version: 4, upgrade: upgradeFindingV4 },
];

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

/** The workflow that stored snapshots of this id and version, if this build knows it. */
export function knownWorkflow(id: string, version: number): Workflow | undefined {
  return WORKFLOWS.find((w) => w.id === id && w.version === version);
}

export function resolveWorkflow(id: string, version: number): Workflow {
  const workflow = knownWorkflow(id, version);
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
  const current = workflow.upgrade ? workflow.upgrade(stored) : stored;
  return workflow.machine.resolveState(current as Parameters<AnyStateMachine['resolveState']>[0]);
}

export function toStored(snapshot: Snapshot): StoredSnapshot {
  return { value: snapshot.value, context: snapshot.context };
}

/** An action a transition chose, with its parameters: the engine carries out the ones it knows, in the same transaction. */
export interface ChosenAction {
  type: string;
  params?: ParameterizedObject['params'];
}

const scopes = new WeakMap<AnyStateMachine, AnyActorScope & { executed: ChosenAction[] }>();

/**
 * The next snapshot and the types of the actions the machine chose, like xstate's `transition()`
 * without its per-call cost: that builds a throwaway actor, initial snapshot included, for every
 * event. These machines spawn nothing and their actions run nowhere, so one inert scope per
 * machine serves every call.
 */
export function step(workflow: Workflow, snapshot: Snapshot, event: EventObject): [Snapshot, ChosenAction[]] {
  let scope = scopes.get(workflow.machine);
  if (!scope) {
    const self = createActor(workflow.machine);
    const executed: ChosenAction[] = [];
    scope = {
      self,
      system: self.system,
      id: '',
      sessionId: '',
      logger: () => {},
      defer: () => {},
      emit: () => {},
      stopChild: () => {},
      actionExecutor: (action) => void executed.push({ type: action.type, params: action.params }),
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
    // Eventless and done transitions (`xstate.done.state…`) are the machine's own, never sent from outside.
    handled = [...new Set(getNextTransitions(snapshot).map((t) => t.eventType))].filter((type) => type !== '' && !type.startsWith('xstate.')).sort();
    byState.set(state, handled);
  }
  return handled;
}

/** Event types this actor may send now (payload aside), in alphabetical order. */
export function availableEvents(snapshot: Snapshot, envelope: Envelope): string[] {
  return eventsHandled(snapshot).filter((type) => snapshot.can({ type, ...envelope, [PAYLOAD_ASIDE]: true }));
}

export type Decision =
  | { verdict: 'accepted' }
  | { verdict: 'not_now'; availableEvents: string[] }
  | { verdict: 'invalid'; problems: PayloadProblem[] }
  | { verdict: 'conflict'; message: string; details: Record<string, unknown> }
  | { verdict: 'forbidden' };

/**
 * Whether the event may be applied, and if not, why: nobody may send it in this state (409),
 * its payload does not fit the subject (400), the subject's data or a rule about this very sender
 * stands in the way (409 with details, e.g. the separation of duties), or somebody may but not
 * this actor (403).
 */
export function decide(workflow: Workflow, snapshot: Snapshot, event: EventObject & Envelope): Decision {
  const envelope: Envelope = { actor: event.actor, at: event.at, today: event.today, timeZone: event.timeZone };
  if (snapshot.can(event)) return { verdict: 'accepted' };
  const notNow = (): Decision => ({ verdict: 'not_now', availableEvents: availableEvents(snapshot, envelope) });
  if (!eventsHandled(snapshot).includes(event.type)) return notNow();
  const problems = workflow.payloadProblems(snapshot.context, event);
  if (problems.length > 0) return { verdict: 'invalid', problems };
  const conflict = workflow.conflict?.(snapshot.context, event);
  // Only the one who could otherwise send it hears what stands in the way; anyone else may not send it at all.
  if (conflict) return conflict.entitled ? { verdict: 'conflict', message: conflict.message, details: conflict.details } : { verdict: 'forbidden' };
  const privileged = { ...event, actor: workflow.privilegedActor(snapshot.context, event) };
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
