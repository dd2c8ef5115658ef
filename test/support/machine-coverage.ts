import { AnyStateMachine, EventObject, transition } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { ChosenAction, Snapshot, Workflow, step } from '../../workflows';

type AnyStateNode = AnyStateMachine['root'];

/** Every transition written in the machine: source node, event, target nodes. */
export function definedTransitions(machine: AnyStateMachine): { source: string; event: string; targets: string[] }[] {
  const walk = (node: AnyStateNode): { source: string; event: string; targets: string[] }[] => [
    ...[...node.transitions].flatMap(([event, transitions]) =>
      transitions.map((t) => ({ source: node.id, event, targets: (t.target ?? [node]).map((n) => n.id) })),
    ),
    ...Object.values(node.states).flatMap((child) => walk(child as AnyStateNode)),
  ];
  return walk(machine.root);
}

export function activeNodeIds(snapshot: Snapshot): Set<string> {
  return new Set((snapshot as unknown as { _nodes: AnyStateNode[] })._nodes.map((n) => n.id));
}

/**
 * Shortest paths to every reachable state value, then every enabled event from each path's end:
 * together they take every edge of the reachable graph. States are told apart by value, and by the
 * finite part of the context a guard reads (`serializeContext`): counters would make the graph infinite.
 */
export function explore(
  machine: AnyStateMachine,
  input: unknown,
  events: (snapshot: Snapshot) => EventObject[],
  serializeContext: (context: any) => unknown = () => null,
) {
  const paths = getShortestPaths(machine, {
    input,
    events: (snapshot: Snapshot) => events(snapshot),
    serializeState: (snapshot: Snapshot) => JSON.stringify([snapshot.value, serializeContext(snapshot.context)]),
  } as never);
  const steps: { before: Snapshot; event: EventObject; after: Snapshot; actions: ChosenAction[] }[] = [];
  for (const path of paths) {
    const before = path.state as Snapshot;
    for (const event of events(before).filter((e) => before.can(e))) {
      const [after, actions] = transition(machine, before, event);
      steps.push({ before, event, after: after as Snapshot, actions: actions.map(({ type, params }) => ({ type, params })) });
    }
  }
  return { paths, steps };
}

/** The defined transitions no explored step took. */
export function untakenTransitions(machine: AnyStateMachine, steps: ReturnType<typeof explore>['steps']): string[] {
  const finalNodes = new Set<string>();
  const collect = (node: AnyStateNode): void => {
    if (node.type === 'final') finalNodes.add(node.id);
    Object.values(node.states).forEach((child) => collect(child as AnyStateNode));
  };
  collect(machine.root);
  // A final state that completes its parent is left at once, by the parent's done transition, in the same step.
  const reached = (target: string, is: Set<string>, source: string) => is.has(target) || (finalNodes.has(target) && !is.has(source));
  return definedTransitions(machine)
    .filter(
      (t) =>
        !steps.some(({ before, event, after }) => {
          const was = activeNodeIds(before);
          const is = activeNodeIds(after);
          // A done transition (onDone) is taken by whichever event finishes its state's regions.
          const done = t.event.startsWith('xstate.done.state.') && !was.has(t.targets[0]);
          return (event.type === t.event || done) && was.has(t.source) && t.targets.every((target) => reached(target, is, t.source));
        }),
    )
    .map((t) => `${t.source} --${t.event}--> ${t.targets.join(',')}`);
}

/** The explored steps on which the engine's `step()` and xstate's own `transition()` disagree. */
export function stepDisagreements(workflow: Workflow, steps: ReturnType<typeof explore>['steps']): string[] {
  return steps.flatMap(({ before, event, after, actions }) => {
    const [next, chosen] = step(workflow, before, event);
    const same = JSON.stringify([next.value, next.context, chosen]) === JSON.stringify([after.value, after.context, actions]);
    return same ? [] : [`${JSON.stringify(before.value)} --${event.type}-->`];
  });
}
