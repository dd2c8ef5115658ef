import { AppConfig } from '../config/app-config';
import { assessDepartment, monthWindow, rankWithinKinds } from './assessment';

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

  it('ranks by standard competition ranking within each kind, vetoed last, the uninspected unranked', () => {
    const ranks = rankWithinKinds([
      { departmentId: 'a', kind: 'clinical', assessment: 90, vetoed: false },
      { departmentId: 'b', kind: 'clinical', assessment: 80, vetoed: false },
      { departmentId: 'c', kind: 'clinical', assessment: 80, vetoed: false },
      { departmentId: 'd', kind: 'clinical', assessment: 99, vetoed: true },
      { departmentId: 'e', kind: 'clinical', assessment: null, vetoed: false },
      { departmentId: 'f', kind: 'functional', assessment: 50, vetoed: false },
    ]);
    expect(Object.fromEntries(ranks)).toEqual({
      a: { rank: 1, rankTies: 1, rankOf: 4 },
      b: { rank: 2, rankTies: 2, rankOf: 4 },
      c: { rank: 2, rankTies: 2, rankOf: 4 },
      d: { rank: 4, rankTies: 1, rankOf: 4 },
      e: { rank: null, rankTies: null, rankOf: 4 },
      f: { rank: 1, rankTies: 1, rankOf: 1 },
    });
  });
});
