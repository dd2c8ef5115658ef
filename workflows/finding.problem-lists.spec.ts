import { initialTransition, transition } from 'xstate';
import {
  Actor,
  FindingContext,
  FindingInput,
  RoundType,
  SYSTEM_ACTOR,
  Snapshot,
  availableEvents,
  decide,
  findingLight,
  findingMachine,
  findingStatus,
  registrationLead,
  resolveWorkflow,
  restore,
} from './index';

const at = '2026-11-23T02:00:00.000Z';
const today = '2026-11-23';
const timeZone = 'Asia/Shanghai';
const actor = (id: string, roles: Actor['roles'], departmentId: string | null = null, leadOfficeFor: RoundType[] = []): Actor => ({ id, roles, departmentId, leadOfficeFor });

const staff = actor('staff', ['department_staff'], 'dept-a');
const otherStaff = actor('staff-b', ['department_staff'], 'dept-b');
const presidentsOffice = actor('verifier', ['verifier'], 'office', ['administrative']);
const officeLead = actor('office-lead', ['round_lead'], 'office', ['administrative']);
const partyOffice = actor('party', ['verifier'], 'party-office', ['party_building']);
const discipline = actor('discipline', ['discipline_office'], 'discipline-dept');
const roundLead = actor('lead', ['round_lead']);

const workflow = resolveWorkflow('finding', 5);
const registered = (lead: FindingInput['lead'], roundType: RoundType = 'administrative', source: FindingInput['source'] = 'complaint'): FindingInput => ({
  roundId: null,
  source,
  roundType,
  severity: 'major',
  lead,
  responsibleDepartmentId: 'dept-a',
  responsiblePersonId: 'person',
  defaultDeadlineDays: 15,
  receiptDays: 2,
  followUpDays: 60,
  extensionLimit: 2,
  evidenceRequired: 0,
  photos: [],
});

const event = (type: string, sender: Actor, payload: Record<string, unknown> = {}) => ({ type, actor: sender, at, today, timeZone, ...payload }) as never;
function run(input: FindingInput, ...events: [string, Actor, Record<string, unknown>?][]): Snapshot {
  let snapshot = initialTransition(findingMachine, input)[0] as Snapshot;
  for (const [type, sender, payload] of events) {
    expect({ type, ...decide(workflow, snapshot, event(type, sender, payload)) }).toEqual({ type, verdict: 'accepted' });
    snapshot = transition(findingMachine, snapshot, event(type, sender, payload))[0] as Snapshot;
  }
  return snapshot;
}

describe('who registers a finding outside a round, and who then leads it', () => {
  const registration = (roundType: RoundType, source: 'complaint' | 'self_inspection' = 'complaint', responsibleDepartmentId = 'dept-a') => ({ roundType, source, responsibleDepartmentId });

  it.each([
    ['the discipline office, any type', discipline, registration('party_building'), { kind: 'discipline_office' }],
    ['the discipline office, integrity', discipline, registration('integrity'), { kind: 'discipline_office' }],
    ["a lead office's verifier, its type", presidentsOffice, registration('administrative'), { kind: 'lead_office' }],
    ["a lead office's round lead, its type", officeLead, registration('administrative'), { kind: 'lead_office' }],
    ['a department, its own self-inspection', staff, registration('administrative', 'self_inspection'), { kind: 'lead_office' }],
  ] as const)('%s: allowed', (_, sender, what, lead) => {
    expect(registrationLead(sender, what)).toEqual(lead);
  });

  it.each([
    ["a lead office, another office's type", presidentsOffice, registration('party_building')],
    ['a lead office, integrity', presidentsOffice, registration('integrity')],
    ['a department, a complaint', staff, registration('administrative')],
    ["a department, another department's self-inspection", otherStaff, registration('administrative', 'self_inspection')],
    ['a department, its own integrity self-inspection', staff, registration('integrity', 'self_inspection')],
    ['a round lead of no lead office', roundLead, registration('administrative')],
  ] as const)('%s: refused', (_, sender, what) => {
    expect(registrationLead(sender, what)).toBeNull();
  });

  it('lets the registering office play the round lead: assign, rule on disputes, reassign, withdraw; nobody else', () => {
    const input = registered({ kind: 'lead_office' });
    for (const refused of [roundLead, partyOffice, discipline, staff]) {
      expect(decide(workflow, initialTransition(findingMachine, input)[0] as Snapshot, event('ASSIGN', refused))).toEqual({ verdict: 'forbidden' });
    }
    const disputed = run(input, ['ASSIGN', officeLead], ['DISPUTE', staff, { reason: 'not ours' }]);
    expect(availableEvents(disputed, { actor: presidentsOffice, at, today, timeZone })).toEqual(['REASSIGN', 'SET_DEADLINE', 'UPHOLD', 'WITHDRAW']);
    expect(availableEvents(disputed, { actor: roundLead, at, today, timeZone })).toEqual([]);
    const withdrawn = run(registered({ kind: 'discipline_office' }, 'integrity'), ['ASSIGN', discipline], ['WITHDRAW', discipline, { reason: 'duplicate' }]);
    expect(findingStatus(withdrawn.value).state).toBe('withdrawn');
  });

  it("lets a department's self-report be assigned to itself, by itself, and only that", () => {
    const input = registered({ kind: 'lead_office' }, 'administrative', 'self_inspection');
    const assigned = run(input, ['ASSIGN', staff]);
    expect(findingStatus(assigned.value).state).toBe('assigned');
    expect(decide(workflow, initialTransition(findingMachine, registered({ kind: 'lead_office' }))[0] as Snapshot, event('ASSIGN', staff))).toEqual({ verdict: 'forbidden' });
    expect(decide(workflow, assigned, event('WITHDRAW', staff, { reason: 'r' }))).toEqual({ verdict: 'forbidden' });
  });
});

describe('receipt (签收)', () => {
  const input = registered({ kind: 'lead_office' });

  it('is signed by ACKNOWLEDGE, by a plan or by a dispute, only by the responsible department, and blocks nothing', () => {
    const assigned = run(input, ['ASSIGN', presidentsOffice]);
    expect(findingStatus(assigned.value).receipt).toBe('unacknowledged');
    expect(decide(workflow, assigned, event('ACKNOWLEDGE', otherStaff))).toEqual({ verdict: 'forbidden' });
    expect(decide(workflow, assigned, event('ACKNOWLEDGE', presidentsOffice))).toEqual({ verdict: 'forbidden' });
    const acknowledged = run(input, ['ASSIGN', presidentsOffice], ['ACKNOWLEDGE', staff]);
    expect(findingStatus(acknowledged.value)).toMatchObject({ state: 'assigned', receipt: 'acknowledged' });
    expect((acknowledged.context as FindingContext).acknowledgedAt).toBe(at);
    expect(decide(workflow, acknowledged, event('ACKNOWLEDGE', staff))).toMatchObject({ verdict: 'not_now' });
    const planned = run(input, ['ASSIGN', presidentsOffice], ['SUBMIT_PLAN', staff, { measures: 'm', committedDate: '2026-11-30' }]);
    expect(findingStatus(planned.value)).toMatchObject({ state: 'rectifying', receipt: 'acknowledged' });
    const disputed = run(input, ['ASSIGN', presidentsOffice], ['RECEIPT_LATE', SYSTEM_ACTOR], ['DISPUTE', staff, { reason: 'not ours' }]);
    expect(findingStatus(disputed.value)).toMatchObject({ state: 'disputed', receipt: 'acknowledged' });
  });

  it('signs nothing when the plan itself is refused: a plan past the deadline leaves the finding unsigned and unchanged', () => {
    const assigned = run(input, ['ASSIGN', presidentsOffice]);
    expect(decide(workflow, assigned, event('SUBMIT_PLAN', staff, { measures: 'm', committedDate: '2027-06-01' }))).toMatchObject({ verdict: 'invalid' });
    expect(assigned.can(event('SUBMIT_PLAN', staff, { measures: 'm', committedDate: '2027-06-01' }))).toBe(false);
  });

  it('is owed afresh by the department a finding is reassigned to, the responsible person with it', () => {
    const reassigned = run(
      input,
      ['ASSIGN', presidentsOffice],
      ['DISPUTE', staff, { reason: 'not ours' }],
      ['REASSIGN', presidentsOffice, { departmentId: 'dept-b', responsiblePersonId: 'person-b', reason: 'theirs' }],
    );
    expect(findingStatus(reassigned.value)).toMatchObject({ state: 'assigned', receipt: 'unacknowledged' });
    expect(reassigned.context).toMatchObject({ responsibleDepartmentId: 'dept-b', responsiblePersonId: 'person-b', acknowledgedAt: null });
    expect(availableEvents(reassigned, { actor: otherStaff, at, today, timeZone })).toContain('ACKNOWLEDGE');
  });
});

describe('supervision lights (督办红黄绿灯)', () => {
  const input = registered({ kind: 'lead_office' });
  const light = (...events: [string, Actor, Record<string, unknown>?][]) => findingLight(run(input, ['ASSIGN', presidentsOffice], ...events));

  it.each([
    ['green while on track', [], 'green'],
    ['yellow when not signed for in time', [['RECEIPT_LATE', SYSTEM_ACTOR]], 'yellow'],
    ['yellow when due soon', [['ACKNOWLEDGE', staff], ['DUE_SOON', SYSTEM_ACTOR]], 'yellow'],
    ['red when escalated for its receipt', [['RECEIPT_LATE', SYSTEM_ACTOR], ['RECEIPT_ESCALATE', SYSTEM_ACTOR]], 'red'],
    ['red when overdue, even if also not signed for', [['RECEIPT_LATE', SYSTEM_ACTOR], ['DEADLINE_PASSED', SYSTEM_ACTOR]], 'red'],
    ['red when escalated', [['DEADLINE_PASSED', SYSTEM_ACTOR], ['ESCALATE', SYSTEM_ACTOR]], 'red'],
    ['none once withdrawn', [['WITHDRAW', presidentsOffice, { reason: 'r' }]], null],
  ] as [string, [string, Actor, Record<string, unknown>?][], string | null][])('%s', (_, events, expected) => {
    expect(light(...events)).toBe(expected);
  });
});

describe('the follow-up check (回头看)', () => {
  const closed = (input: FindingInput) =>
    run(input, ['ASSIGN', presidentsOffice], ['SUBMIT_PLAN', staff, { measures: 'm', committedDate: '2026-11-30' }], ['SUBMIT_EVIDENCE', staff, { note: 'n' }], ['VERIFY_ACCEPT', presidentsOffice]);

  it('is scheduled when the finding closes, by its severity; none for a severity without one, until scheduled by hand', () => {
    expect((closed(registered({ kind: 'lead_office' })).context as FindingContext).followUp).toEqual({ dueOn: '2027-01-22', scheduledBy: 'system' });
    const minor = closed({ ...registered({ kind: 'lead_office' }), followUpDays: null });
    expect((minor.context as FindingContext).followUp).toBeNull();
    expect(availableEvents(minor, { actor: presidentsOffice, at, today, timeZone })).toEqual(['SCHEDULE_FOLLOW_UP']);
    expect(decide(workflow, minor, event('SCHEDULE_FOLLOW_UP', presidentsOffice, { dueOn: '2026-11-22' }))).toEqual({
      verdict: 'invalid',
      problems: [{ field: 'dueOn', reason: 'must not be before today (2026-11-23)' }],
    });
    const scheduled = transition(findingMachine, minor, event('SCHEDULE_FOLLOW_UP', presidentsOffice, { dueOn: '2026-12-15' }))[0] as Snapshot;
    expect((scheduled.context as FindingContext).followUp).toEqual({ dueOn: '2026-12-15', scheduledBy: 'verifier' });
  });

  it('passing it leaves the finding closed, with no check pending', () => {
    const passed = transition(findingMachine, closed(registered({ kind: 'lead_office' })), event('FOLLOW_UP_PASSED', presidentsOffice))[0] as Snapshot;
    expect(findingStatus(passed.value).state).toBe('closed');
    expect(passed.context).toMatchObject({ followUp: null, relapses: 0 });
  });

  it('failing it reopens the rectification against a new deadline, counts a relapse and tells the department', () => {
    const before = closed(registered({ kind: 'lead_office' }));
    expect(decide(workflow, before, event('FOLLOW_UP_FAILED', partyOffice, { reason: 'r', deadline: '2027-01-31' }))).toEqual({ verdict: 'forbidden' });
    expect(decide(workflow, before, event('FOLLOW_UP_FAILED', presidentsOffice, { reason: 'r', deadline: '2026-11-01' }))).toMatchObject({
      verdict: 'invalid',
      problems: [{ field: 'deadline' }],
    });
    const [failed, actions] = transition(findingMachine, before, event('FOLLOW_UP_FAILED', presidentsOffice, { reason: 'back again', deadline: '2027-01-31' }));
    expect(findingStatus(failed.value)).toMatchObject({ state: 'rectifying', timeliness: 'on_track' });
    expect(failed.context).toMatchObject({ relapses: 1, followUp: null, closedAt: null, verification: null, committedDue: null, deadline: '2027-01-31T23:59:59.999+08:00' });
    expect(actions.map((a) => a.type)).toEqual(expect.arrayContaining(['findingReopened', 'notify']));
    expect(findingLight(failed as Snapshot)).toBe('green');
  });
});

describe('version-4 findings', () => {
  const v4 = {
    value: { progress: { open: 'rectifying' }, timeliness: 'due_soon', extension: 'none' },
    context: {
      roundId: 'round',
      roundType: 'administrative',
      severity: 'major',
      roundLeadId: 'lead',
      responsibleDepartmentId: 'dept-a',
      defaultDeadlineDays: 15,
      extensionLimit: 2,
      evidenceRequired: 0,
      photos: [],
      evidence: null,
      verification: null,
      closureApproval: null,
      selfAuditAllowance: null,
      deadline: '2026-12-08T23:59:59.999+08:00',
      measures: 'm',
      committedDate: '2026-12-01',
      rejections: 0,
      reopenCount: 0,
      escalationLevel: 0,
      extensionRequests: 0,
      proposedDeadline: null,
      closedAt: null,
    },
  };

  it('are read as version 5: led by their round lead, signed for, their old commitment not driving the clock', () => {
    const snapshot = restore(resolveWorkflow('finding', 4), v4);
    expect(findingStatus(snapshot.value)).toEqual({ state: 'rectifying', timeliness: 'due_soon', extension: 'none', receipt: 'acknowledged' });
    expect(snapshot.context).toMatchObject({ source: 'round', lead: { kind: 'round_lead', userId: 'lead' }, committedDue: null, followUp: null, relapses: 0 });
    expect(availableEvents(snapshot, { actor: staff, at, today, timeZone })).toEqual(['REQUEST_EXTENSION', 'SUBMIT_EVIDENCE']);
    expect(availableEvents(snapshot, { actor: roundLead, at, today, timeZone })).toEqual(['SET_DEADLINE', 'WITHDRAW']);
  });

  it('still waiting to be assigned owe their receipt once assigned', () => {
    const reported = restore(resolveWorkflow('finding', 4), { ...v4, value: { ...v4.value, progress: { open: 'reported' }, timeliness: 'on_track' }, context: { ...v4.context, deadline: null } });
    const assigned = transition(findingMachine, reported, event('ASSIGN', roundLead))[0] as Snapshot;
    expect(findingStatus(assigned.value).receipt).toBe('unacknowledged');
    expect((assigned.context as FindingContext).receiptDue).toBe('2026-11-25T23:59:59.999+08:00');
  });
});
