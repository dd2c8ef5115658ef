import { initialTransition, transition } from 'xstate';
import { explore, stepDisagreements, untakenTransitions } from '../test/support/machine-coverage';
import {
  Actor,
  ChecklistRef,
  ITEM_RESULTS,
  ItemResult,
  LoggedFinding,
  ROUND_STATES,
  RecordedResult,
  RoundContext,
  RoundInput,
  RoundType,
  SYSTEM_ACTOR,
  Snapshot,
  UnknownWorkflowError,
  WORKFLOWS,
  checklistScore,
  combinedScore,
  decide,
  resolveWorkflow,
  restore,
  roundStatus,
  roundWorkflowId,
  step,
  toStored,
} from './index';

const at = '2026-11-23T02:00:00.000Z';
const today = '2026-11-23';
const person = (id: string, role: 'round_lead' | 'inspector'): Actor => ({ id, roles: [role], departmentId: null, leadOfficeFor: [] });
const lead = person('lead', 'round_lead');
const partLead = (type: RoundType) => person(`lead-${type}`, 'round_lead');
const member = (type: RoundType) => person(`member-${type}`, 'inspector');
const stranger = person('stranger', 'inspector');

/** Two items per checklist: A an ordinary one, B a bottom-line (veto) one. */
const checklist: ChecklistRef = {
  templateId: 'template',
  version: 3,
  items: [
    { code: 'A', maxDeduction: 10, veto: false },
    { code: 'B', maxDeduction: 5, veto: true },
  ],
};

const finding = (roundType: RoundType, department: LoggedFinding['responsibleDepartment'] = { id: 'visited', kind: 'clinical' }): LoggedFinding => ({
  id: `finding-${roundType}`,
  roundType,
  severity: 'minor',
  responsibleDepartment: department,
  title: 't',
  description: 'd',
  location: null,
  checklistItemCode: null,
});

/** A single-type round's part is led by the round's lead, as the service plans it; a joint round's parts have leads of their own. */
const inputFor = (types: RoundType[]): RoundInput => ({
  types,
  departmentId: 'visited',
  leadId: 'lead',
  teamMemberIds: [],
  parts: types.map((type) => ({
    type,
    leadId: types.length === 1 ? 'lead' : partLead(type).id,
    teamMemberIds: [member(type).id],
    checklist,
  })),
});

const leadOf = (types: RoundType[], type: RoundType) => (types.length === 1 ? lead : partLead(type));
const event = (type: string, actor: Actor, payload: Record<string, unknown> = {}) => ({ type, actor, at, today, timeZone: 'Asia/Shanghai', ...payload });
const record = (type: RoundType, itemCode: string, result: ItemResult, extra: Record<string, unknown> = {}) =>
  event('RECORD_RESULT', member(type), { roundType: type, itemCode, result, ...extra });

const ROUND_WORKFLOWS = WORKFLOWS.filter((workflow) => workflow.entityType === 'round');
const combinations = ROUND_WORKFLOWS.map((workflow) => ({
  workflow,
  types: (workflow.machine.root.states.in_progress.states ? Object.keys(workflow.machine.root.states.in_progress.states) : []) as RoundType[],
}));

it('has one round machine for each of the seven combinations of round types', () => {
  expect(combinations.map(({ workflow }) => workflow.id).sort()).toEqual(
    [
      'administrative-round',
      'party-building-round',
      'integrity-round',
      'joint-round.administrative+party_building',
      'joint-round.administrative+integrity',
      'joint-round.party_building+integrity',
      'joint-round.administrative+party_building+integrity',
    ].sort(),
  );
  for (const { workflow, types } of combinations) expect(roundWorkflowId(types)).toBe(workflow.id);
});

describe.each(combinations)('$workflow.id', ({ workflow, types }) => {
  const input = inputFor(types);
  const events = [
    event('START', lead),
    event('CANCEL', lead, { reason: 'ward closed' }),
    ...types.flatMap((type) => [
      record(type, 'A', 'fail', { deduction: 4, finding: { ...finding(type), checklistItemCode: 'A' } }),
      record(type, 'B', 'pass'),
      event('LOG_FINDING', member(type), { finding: finding(type) }),
      event('SUBMIT', leadOf(types, type), { roundType: type }),
    ]),
    event('COMPLETE', SYSTEM_ACTOR, { openFindings: 0 }),
    event('FINDING_REOPENED', SYSTEM_ACTOR),
  ];
  const answered = (context: RoundContext) => context.parts.map((part) => Object.keys(part.results).sort());
  const { paths, steps } = explore(workflow.machine, input, () => events as never, answered);

  it('reaches every state, every part state, and takes every transition', () => {
    const reached = paths.map((p) => roundStatus(p.state.value));
    expect(new Set(reached.map((r) => r.state))).toEqual(new Set(ROUND_STATES));
    // A round's last part to be submitted takes the whole round with it, so a lone part never rests in `submitted`.
    const partStates = types.length === 1 ? ['inspecting'] : ['inspecting', 'submitted'];
    for (const type of types) expect(new Set(reached.flatMap((r) => r.parts[type] ?? []))).toEqual(new Set(partStates));
    expect(untakenTransitions(workflow.machine, steps)).toEqual([]);
  });

  it("takes the same steps, marker actions included, through the engine's step() as through xstate's transition()", () => {
    expect(steps.some((s) => s.actions.length > 0)).toBe(true);
    expect(stepDisagreements(workflow, steps)).toEqual([]);
  });

  it('restores every reached snapshot from JSON, parts and results included', () => {
    for (const path of paths) {
      const restored = restore(workflow, JSON.parse(JSON.stringify(toStored(path.state as Snapshot))));
      expect(restored.value).toEqual(path.state.value);
      expect(restored.context).toEqual(path.state.context);
      for (const e of events) expect(restored.can(e as never)).toBe(path.state.can(e as never));
    }
  });

  it('is submitted when its last part is, and only then assigns the last part and checks for completion', () => {
    let [snapshot] = initialTransition(workflow.machine, input) as [Snapshot, unknown];
    [snapshot] = step(workflow, snapshot, event('START', lead));
    for (const type of types) {
      [snapshot] = step(workflow, snapshot, record(type, 'A', 'pass'));
      [snapshot] = step(workflow, snapshot, record(type, 'B', 'not_applicable'));
    }
    types.forEach((type, index) => {
      const [next, actions] = step(workflow, snapshot, event('SUBMIT', leadOf(types, type), { roundType: type }));
      const last = index === types.length - 1;
      expect(roundStatus(next.value).state).toBe(last ? 'submitted' : 'in_progress');
      if (!last) expect(roundStatus(next.value).parts[type]).toBe('submitted');
      expect(actions.map((action) => action.type)).toEqual(last ? ['assignReportedFindings', 'completeIfSettled'] : ['assignReportedFindings']);
      snapshot = next;
    });
  });

  it("lets only the lead start and cancel, only a part's lead submit it, and only a part's team record its results", () => {
    const [planned] = initialTransition(workflow.machine, input) as [Snapshot, unknown];
    const [inProgress] = transition(workflow.machine, planned, event('START', lead) as never) as [Snapshot, unknown];
    const verdict = (snapshot: Snapshot, e: object) => decide(workflow, snapshot, e as never).verdict;
    const [type] = types;
    expect(verdict(planned, event('START', member(type)))).toBe('forbidden');
    expect(verdict(planned, event('START', stranger))).toBe('forbidden');
    expect(verdict(inProgress, record(type, 'A', 'pass'))).toBe('accepted');
    expect(verdict(inProgress, { ...record(type, 'A', 'pass'), actor: stranger })).toBe('forbidden');
    expect(verdict(inProgress, event('LOG_FINDING', stranger, { finding: finding(type) }))).toBe('forbidden');
    expect(verdict(inProgress, event('LOG_FINDING', leadOf(types, type), { finding: finding(type) }))).toBe('accepted');
    expect(verdict(inProgress, event('COMPLETE', lead, { openFindings: 0 }))).toBe('not_now');
    expect(verdict(planned, record(type, 'A', 'pass'))).toBe('not_now');
    if (types.length > 1) {
      const [, other] = types;
      expect(verdict(inProgress, { ...record(type, 'A', 'pass'), actor: member(other) })).toBe('forbidden');
      expect(verdict(inProgress, event('SUBMIT', leadOf(types, other), { roundType: type }))).toBe('forbidden');
      expect(decide(workflow, inProgress, event('SUBMIT', lead) as never)).toEqual({
        verdict: 'invalid',
        problems: [{ field: 'roundType', reason: `is required for a joint round: one of ${types.join(', ')}` }],
      });
    }
  });

  it('refuses to submit a part while checklist items have no result, listing them', () => {
    let [snapshot] = initialTransition(workflow.machine, input) as [Snapshot, unknown];
    [snapshot] = step(workflow, snapshot, event('START', lead));
    const [type] = types;
    [snapshot] = step(workflow, snapshot, record(type, 'B', 'pass'));
    expect(decide(workflow, snapshot, event('SUBMIT', leadOf(types, type), { roundType: type }) as never)).toEqual({
      verdict: 'conflict',
      message: `The ${type} checklist has 1 item(s) without a result`,
      details: { roundType: type, missingItems: ['A'] },
    });
  });

  it('judges results against the item: known code, deduction within the maximum, findings only from failures', () => {
    const [planned] = initialTransition(workflow.machine, input) as [Snapshot, unknown];
    const [inProgress] = transition(workflow.machine, planned, event('START', lead) as never) as [Snapshot, unknown];
    const [type] = types;
    const problems = (e: object) => {
      const decision = decide(workflow, inProgress, e as never);
      return decision.verdict === 'invalid' ? decision.problems.map((p) => p.field) : decision.verdict;
    };
    expect(problems(record(type, 'Z', 'pass'))).toEqual(['itemCode']);
    expect(problems(record(type, 'A', 'fail', { deduction: 10.5 }))).toEqual(['deduction']);
    expect(problems(record(type, 'A', 'fail', { deduction: 0.3 }))).toEqual(['deduction']);
    expect(problems(record(type, 'A', 'fail', { deduction: 10 }))).toBe('accepted');
    expect(problems(record(type, 'A', 'pass', { deduction: 2 }))).toEqual(['deduction']);
    expect(problems(record(type, 'A', 'pass', { finding: finding(type) }))).toEqual(['raiseFinding']);
    const golf = { ...record(type, 'A', 'pass'), roundType: 'golf' };
    expect(problems(golf)).toEqual(['roundType']);
  });

  it("applies each part's own rule for which departments its findings may name", () => {
    const [planned] = initialTransition(workflow.machine, input) as [Snapshot, unknown];
    const [inProgress] = transition(workflow.machine, planned, event('START', lead) as never) as [Snapshot, unknown];
    for (const type of types) {
      const to = (department: LoggedFinding['responsibleDepartment']) =>
        decide(workflow, inProgress, event('LOG_FINDING', member(type), { finding: finding(type, department) }) as never).verdict;
      expect(to({ id: 'other-ward', kind: 'clinical' })).toBe('invalid');
      expect(to({ id: 'logistics', kind: 'functional' })).toBe(type === 'party_building' ? 'invalid' : 'accepted');
    }
  });
});

describe('scoring on one scale', () => {
  const items: ChecklistRef = {
    templateId: 't',
    version: 1,
    items: [
      { code: 'A', maxDeduction: 60, veto: false },
      { code: 'B', maxDeduction: 50, veto: false },
      { code: 'C', maxDeduction: 5, veto: true },
    ],
  };
  const recorded = (result: ItemResult, deduction: number): RecordedResult => ({
    result,
    deduction,
    note: null,
    findingId: null,
    recordedBy: 'member',
    recordedAt: at,
  });

  it('scores every combination of results as 100 minus the failed items’ deductions, floored at 0, vetoed by a failed bottom-line item', () => {
    const deductionOf = { A: 60, B: 50, C: 2.5 } as const;
    let combinations = 0;
    for (const a of ITEM_RESULTS)
      for (const b of ITEM_RESULTS)
        for (const c of ITEM_RESULTS) {
          const results = { A: recorded(a, a === 'fail' ? 60 : 0), B: recorded(b, b === 'fail' ? 50 : 0), C: recorded(c, c === 'fail' ? 2.5 : 0) };
          const failed = (['A', 'B', 'C'] as const).filter((code) => results[code].result === 'fail');
          const deductions = failed.reduce((sum, code) => sum + deductionOf[code], 0);
          expect(checklistScore(items, results)).toEqual({ score: Math.max(0, 100 - deductions), vetoed: c === 'fail' });
          combinations++;
        }
    expect(combinations).toBe(27);
  });

  it('gives 100 to a round with nothing failed, a floor of 0, and no score to a checklist without items', () => {
    expect(checklistScore(items, {})).toEqual({ score: 100, vetoed: false });
    expect(checklistScore(items, { A: recorded('fail', 60), B: recorded('fail', 50) })).toEqual({ score: 0, vetoed: false });
    expect(checklistScore({ templateId: null, version: 0, items: [] }, {})).toEqual({ score: null, vetoed: false });
  });

  it("scores a joint round as the mean of its parts' scores, vetoed if any part is", () => {
    expect(combinedScore([{ score: 90, vetoed: false }, { score: 75, vetoed: true }, { score: 80, vetoed: false }])).toEqual({
      score: 81.7,
      vetoed: true,
    });
    expect(combinedScore([{ score: null, vetoed: false }, { score: 70, vetoed: false }])).toEqual({ score: 70, vetoed: false });
    expect(combinedScore([{ score: null, vetoed: false }])).toEqual({ score: null, vetoed: false });
  });
});

describe('registry', () => {
  it('refuses to restore a snapshot of a machine version it does not know, naming what it knows', () => {
    expect(() => resolveWorkflow('finding', 3)).toThrow(UnknownWorkflowError);
    expect(() => resolveWorkflow('finding', 3)).toThrow(/No workflow "finding" at version 3 is known .*known: .*finding@4/);
    expect(() => resolveWorkflow('administrative-round', 1)).toThrow(UnknownWorkflowError);
    expect(() => resolveWorkflow('golf-round', 1)).toThrow(UnknownWorkflowError);
  });
});
