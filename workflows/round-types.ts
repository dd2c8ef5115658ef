import type { LoggedFinding, RoundContext } from './round.types';
import { LABELS } from './labels';
import type { RoundType } from './vocabulary';

/** What differs between the round types: which departments their findings may name. */
export interface RoundTypeRules {
  /** Whether a finding of this type may name this department as responsible. */
  mayTarget: (round: Pick<RoundContext, 'departmentId'>, department: LoggedFinding['responsibleDepartment']) => boolean;
  /** Said in the 400 answer when `mayTarget` refuses. */
  targetRule: string;
  description: string;
}

const visitedOrFunctional: Pick<RoundTypeRules, 'mayTarget' | 'targetRule'> = {
  mayTarget: (round, department) => department.id === round.departmentId || department.kind === 'functional',
  targetRule: 'must be the visited department or a functional department',
};

export const ROUND_TYPE_RULES: Record<RoundType, RoundTypeRules> = {
  /** 行政查房: findings go to the visited department or to a functional one (行政服务临床). */
  administrative: { ...visitedOrFunctional, description: `${LABELS.roundType.administrative.zh} — administrative round` },
  /** 党建查房: the round checks the visited department's Party branch, so its findings stay in that branch. */
  party_building: {
    mayTarget: (round, department) => department.id === round.departmentId || department.inVisitedBranch === true,
    targetRule: "must be the visited department or another department of its Party branch (the branch is what the round checks)",
    description: `${LABELS.roundType.party_building.zh} — Party-building round`,
  },
  /**
   * 廉政查房: confidential; every finding needs the discipline office's closure audit (finding machine)
   * and may be transferred to case handling. Findings may name the visited department or a functional
   * one such as procurement or pharmacy, where integrity risks often sit.
   */
  integrity: { ...visitedOrFunctional, description: `${LABELS.roundType.integrity.zh} — integrity round` },
};
