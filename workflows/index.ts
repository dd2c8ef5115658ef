export * from './vocabulary';
export * from './calendar';
export * from './finding.machine';
export * from './finding-timers';
export * from './round.machine';
export * from './round-types';
export * from './checklist';
export * from './registry';
export { toMermaid } from './mermaid';
