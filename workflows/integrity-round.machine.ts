import { createRoundMachine } from './round.machine';

/**
 * 廉政查房: confidential; every finding needs the discipline office's closure audit (finding machine)
 * and may be transferred to case handling. Findings may name the visited department or a functional
 * one such as procurement or pharmacy, where integrity risks often sit.
 */
export const integrityRound = createRoundMachine({
  id: 'integrity-round',
  type: 'integrity',
  mayTarget: (round, department) => department.id === round.departmentId || department.kind === 'functional',
  targetRule: 'must be the visited department or a functional department',
});
