import { AppConfig } from '../config/app-config';
import { assessDepartment, monthWindow, rankDepartments } from './assessment';

describe('assessment grades and ranks', () => {
  it('reads ASSESSMENT_GRADE_THRESHOLDS and refuses malformed or unordered ones', () => {
    expect(AppConfig.fromEnvironment({}).gradeThresholds).toEqual({ excellent: 90, good: 80, pass: 60 });
    expect(AppConfig.fromEnvironment({ ASSESSMENT_GRADE_THRESHOLDS: 'excellent:95.5,good:85,pass:65' }).gradeThresholds).toEqual({ excellent: 95.5, good: 85, pass: 65 });
    expect(() => AppConfig.fromEnvironment({ ASSESSMENT_GRADE_THRESHOLDS: 'good:80,excellent:90,pass:60' })).toThrow(/must read like excellent:90,good:80,pass:60/);
    expect(() => AppConfig.fromEnvironment({ ASSESSMENT_GRADE_THRESHOLDS: 'excellent:80,good:90,pass:60' })).toThrow(/must decrease from excellent to pass/);
    expect(() => AppConfig.fromEnvironment({ ASSESSMENT_GRADE_THRESHOLDS: 'excellent:120,good:90,pass:60' })).toThrow(/within 0–100/);
  });

  it('takes the relapses’ points off a department inspected in the month; one not inspected has no score', () => {
    const config = AppConfig.fromEnvironment({});
    const window = monthWindow('2026-12', 'Asia/Shanghai', new Date('2027-01-05T00:00:00Z'));
    const held = [{ departmentId: 'd', score: 90, vetoed: false }];
    // 0.6 × 90 + 0.4 × 100 (nothing due) − 2 × 3 relapses
    expect(assessDepartment('d', window, held, [], 0, 3, config.assessmentWeights).assessment).toBe(88);
    expect(assessDepartment('d', window, [], [], 0, 3, config.assessmentWeights)).toMatchObject({ relapses: 3, assessment: null });
  });

  it('ranks by standard competition ranking within each kind and each branch, vetoed last, the uninspected and branchless unranked', () => {
    const ranks = rankDepartments([
      { departmentId: 'a', kind: 'clinical', partyBranchId: 'x', assessment: 90, vetoed: false },
      { departmentId: 'b', kind: 'clinical', partyBranchId: 'y', assessment: 80, vetoed: false },
      { departmentId: 'c', kind: 'clinical', partyBranchId: 'x', assessment: 80, vetoed: false },
      { departmentId: 'd', kind: 'clinical', partyBranchId: 'x', assessment: 99, vetoed: true },
      { departmentId: 'e', kind: 'clinical', partyBranchId: 'y', assessment: null, vetoed: false },
      { departmentId: 'f', kind: 'functional', partyBranchId: 'y', assessment: 80, vetoed: false },
      { departmentId: 'g', kind: 'functional', partyBranchId: null, assessment: 70, vetoed: false },
    ]);
    const standing = (rank: number | null, rankTies: number | null, rankOf: number | null, branchRank: number | null, branchRankTies: number | null, branchRankOf: number | null) => ({ rank, rankTies, rankOf, branchRank, branchRankTies, branchRankOf });
    expect(Object.fromEntries(ranks)).toEqual({
      a: standing(1, 1, 4, 1, 1, 3),
      b: standing(2, 2, 4, 1, 2, 2),
      c: standing(2, 2, 4, 2, 1, 3),
      d: standing(4, 1, 4, 3, 1, 3),
      e: standing(null, null, 4, null, null, 2),
      f: standing(1, 1, 2, 1, 2, 2),
      g: standing(2, 1, 2, null, null, null),
    });
  });
});
