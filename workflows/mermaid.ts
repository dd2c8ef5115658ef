import { AnyStateMachine, StateNode } from 'xstate';

type AnyStateNode = StateNode<any, any>;

const nodeId = (node: AnyStateNode): string => node.id.replace(/[^A-Za-z0-9_]/g, '_');

/**
 * A Mermaid `stateDiagram-v2` drawn from the machine definition itself, so the picture cannot
 * drift from the rules. Parallel regions are separated by `--`; guards are shown in brackets.
 */
export function toMermaid(machine: AnyStateMachine): string {
  const lines = ['stateDiagram-v2'];
  const edges: string[] = [];

  const declare = (node: AnyStateNode, depth: number): void => {
    const indent = '  '.repeat(depth);
    const children = Object.values(node.states) as AnyStateNode[];
    if (children.length === 0) {
      lines.push(`${indent}state "${node.key}" as ${nodeId(node)}`);
    } else {
      lines.push(`${indent}state "${node.key}" as ${nodeId(node)} {`);
      children.forEach((child, index) => {
        if (node.type === 'parallel' && index > 0) lines.push(`${indent}  --`);
        declare(child, depth + 1);
      });
      if (node.type !== 'parallel' && node.initial) {
        for (const target of node.initial.target) lines.push(`${indent}  [*] --> ${nodeId(target)}`);
      }
      lines.push(`${indent}}`);
    }
    if (node.type === 'final') edges.push(`${nodeId(node)} --> [*]`);
    for (const [eventType, transitions] of node.transitions) {
      for (const transition of transitions) {
        const guard = transition.guard ? ` [${describeGuard(transition.guard)}]` : '';
        const targets = transition.target ?? [node];
        for (const target of targets) edges.push(`${nodeId(node)} --> ${nodeId(target)} : ${eventType}${guard}`);
      }
    }
  };

  const root = machine.root as AnyStateNode;
  (Object.values(root.states) as AnyStateNode[]).forEach((child, index) => {
    if (root.type === 'parallel' && index > 0) lines.push('  --');
    declare(child, 1);
  });
  if (root.type !== 'parallel' && root.initial) {
    for (const target of root.initial.target) lines.push(`  [*] --> ${nodeId(target)}`);
  }
  return [...lines, ...edges.map((edge) => `  ${edge}`)].join('\n');
}

function describeGuard(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const named = guard as { check?: unknown; guards?: unknown[]; stateValue?: unknown; name?: string };
    // xstate's and(), or() and not() are functions of those names holding their operands.
    if (Array.isArray(named.guards)) {
      const operands = named.guards.map((operand) => {
        const described = describeGuard(operand);
        return /[&|]/.test(described) ? `(${described})` : described;
      });
      if (named.name === 'not') return `!${operands[0]}`;
      return operands.join(named.name === 'or' ? ' | ' : ' & ');
    }
    if (named.stateValue !== undefined) return `in ${String(named.stateValue)}`;
    return named.name || 'guard';
  }
  if (guard && typeof guard === 'object' && 'type' in guard) return String((guard as { type: string }).type);
  return 'guard';
}
