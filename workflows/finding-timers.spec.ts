import { initialTransition, transition } from 'xstate';
import { explore } from '../test/support/machine-coverage';
import {
  Actor,
  FindingContext,
  FindingInput,
  SYSTEM_ACTOR,
  Snapshot,
  TimerPolicy,
  days,
  findingMachine,
  findingStatus,
  nextTimer,
} from './index';

const timeZone = 'Asia/Shanghai';
const at = '2026-11-23T02:00:00.000Z';
const today = '2026-11-23';
const lead: Actor = { id: 'lead', roles: ['round_lead'], departmentId: null, leadOfficeFor: [] };
const staff: Actor = { id: 'staff', roles: ['department_staff'], departmentId: 'dept-a', leadOfficeFor: [] };
const verifier: Actor = { id: 'verifier', roles: ['verifier'], departmentId: 'office', leadOfficeFor: ['administrative'] };
const discipline: Actor = { id: 'discipline', roles: ['discipline_office'], departmentId: 'd', leadOfficeFor: [] };

const policy: TimerPolicy = {
  dueSoonMs: days(3),
  escalations: [
    { afterMs: days(3), audience: 'department_staff' },
    { afterMs: days(7), audience: 'verifier' },
    { afterMs: days(14), audience: 'discipline_office' },
  ],
};

const input: FindingInput = {
  roundId: 'round',
  source: 'round',
  roundType: 'administrative',
  severity: 'major',
  lead: { kind: 'round_lead', userId: 'lead' },
  responsibleDepartmentId: 'dept-a',
  responsiblePersonId: null,
  defaultDeadlineDays: 15,
  receiptDays: 2,
  followUpDays: 30,
  extensionLimit: 2,
  evidenceRequired: 0,
  photos: [],
};

/** Assigned and signed for: only the deadline's clock runs. */
const assigned = () => send(send(initialTransition(findingMachine, input)[0] as Snapshot, 'ASSIGN', lead), 'ACKNOWLEDGE', staff);

const send = (snapshot: Snapshot, type: string, actor: Actor, payload: Record<string, unknown> = {}): Snapshot => {
  const event = { type, actor, at, today, timeZone, ...payload } as never;
  expect(snapshot.can(event)).toBe(true);
  return transition(findingMachine, snapshot, event)[0] as Snapshot;
};

// 2026-12-08 ends at 2026-12-08T15:59:59.999Z.
const DEADLINE = '2026-12-08T15:59:59.999Z';
const shifted = (ms: number) => new Date(Date.parse(DEADLINE) + ms).toISOString();

describe('a finding\'s next timer', () => {
  it('follows the finding from its deadline through every escalation level, then stops', () => {
    expect(nextTimer(initialTransition(findingMachine, input)[0] as Snapshot, policy)).toBeNull();
    let snapshot = assigned();
    expect(nextTimer(snapshot, policy)).toEqual({ event: 'DUE_SOON', dueAt: shifted(-days(3)), level: null });
    snapshot = send(snapshot, 'DUE_SOON', SYSTEM_ACTOR);
    expect(nextTimer(snapshot, policy)).toEqual({ event: 'DEADLINE_PASSED', dueAt: DEADLINE, level: null });
    snapshot = send(snapshot, 'DEADLINE_PASSED', SYSTEM_ACTOR);
    expect(nextTimer(snapshot, policy)).toEqual({ event: 'ESCALATE', dueAt: shifted(days(3)), level: 1 });
    snapshot = send(snapshot, 'ESCALATE', SYSTEM_ACTOR);
    expect(nextTimer(snapshot, policy)).toEqual({ event: 'ESCALATE', dueAt: shifted(days(7)), level: 2 });
    snapshot = send(snapshot, 'ESCALATE', SYSTEM_ACTOR);
    expect(nextTimer(snapshot, policy)).toEqual({ event: 'ESCALATE', dueAt: shifted(days(14)), level: 3 });
    snapshot = send(snapshot, 'ESCALATE', SYSTEM_ACTOR);
    expect((snapshot.context as FindingContext).escalationLevel).toBe(3);
    expect(nextTimer(snapshot, policy)).toBeNull();
  });

  it('stops when the finding closes, and restarts where the clock stood when it is reopened', () => {
    let snapshot = send(assigned(), 'DUE_SOON', SYSTEM_ACTOR);
    snapshot = send(snapshot, 'SUBMIT_PLAN', staff, { measures: 'm', committedDate: '2026-12-07' });
    snapshot = send(snapshot, 'SUBMIT_EVIDENCE', staff, { note: 'n' });
    snapshot = send(snapshot, 'VERIFY_ACCEPT', verifier);
    expect(findingStatus(snapshot.value).state).toBe('closed');
    expect(nextTimer(snapshot, policy)).toBeNull();
    snapshot = send(snapshot, 'REOPEN', discipline, { reason: 'recurred' });
    expect(nextTimer(snapshot, policy)).toEqual({ event: 'DEADLINE_PASSED', dueAt: '2026-12-07T15:59:59.999Z', level: null });
  });

  it('follows the date the plan committed to, until an extension or a new deadline replaces it', () => {
    let snapshot = send(assigned(), 'SUBMIT_PLAN', staff, { measures: 'm', committedDate: '2026-12-01' });
    // 2026-12-01 ends at 2026-12-01T15:59:59.999Z; due soon three days before.
    expect(nextTimer(snapshot, policy)).toEqual({ event: 'DUE_SOON', dueAt: '2026-11-28T15:59:59.999Z', level: null });
    snapshot = send(snapshot, 'SET_DEADLINE', lead, { deadline: '2026-12-20', reason: 'list reviewed' });
    // A commitment before the new deadline still stands.
    expect(nextTimer(snapshot, policy)).toEqual({ event: 'DUE_SOON', dueAt: '2026-11-28T15:59:59.999Z', level: null });
    snapshot = send(snapshot, 'REQUEST_EXTENSION', staff, { reason: 'r', proposedDeadline: '2027-01-15' });
    snapshot = send(snapshot, 'APPROVE_EXTENSION', verifier);
    expect((snapshot.context as FindingContext).committedDue).toBeNull();
    expect(nextTimer(snapshot, policy)).toEqual({ event: 'DUE_SOON', dueAt: '2027-01-12T15:59:59.999Z', level: null });
  });

  it('reminds a department that has not signed for its finding, then escalates it on the same ladder; signing stops that clock', () => {
    let snapshot = send(initialTransition(findingMachine, input)[0] as Snapshot, 'ASSIGN', lead);
    // Two working days after Monday 2026-11-23, to the end of that day in the hospital's zone.
    const receiptDue = '2026-11-25T15:59:59.999Z';
    expect((snapshot.context as FindingContext).receiptDue).toBe('2026-11-25T23:59:59.999+08:00');
    expect(nextTimer(snapshot, policy)).toEqual({ event: 'RECEIPT_LATE', dueAt: receiptDue, level: null });
    snapshot = send(snapshot, 'RECEIPT_LATE', SYSTEM_ACTOR);
    expect(findingStatus(snapshot.value).receipt).toBe('late');
    expect(nextTimer(snapshot, policy)).toEqual({ event: 'RECEIPT_ESCALATE', dueAt: '2026-11-28T15:59:59.999Z', level: 1 });
    snapshot = send(snapshot, 'RECEIPT_ESCALATE', SYSTEM_ACTOR);
    expect((snapshot.context as FindingContext).receiptEscalationLevel).toBe(1);
    // The receipt's next level (seven days after its due time) comes before the deadline's reminder (2026-12-05).
    expect(nextTimer(snapshot, policy)).toEqual({ event: 'RECEIPT_ESCALATE', dueAt: '2026-12-02T15:59:59.999Z', level: 2 });
    snapshot = send(snapshot, 'DISPUTE', staff, { reason: 'not ours' });
    expect(findingStatus(snapshot.value).receipt).toBe('acknowledged');
    expect(nextTimer(snapshot, policy)).toEqual({ event: 'DUE_SOON', dueAt: shifted(-days(3)), level: null });
  });

  it('starts over from the new deadline when an extension is approved, escalation forgotten', () => {
    let snapshot = send(assigned(), 'DEADLINE_PASSED', SYSTEM_ACTOR);
    snapshot = send(snapshot, 'ESCALATE', SYSTEM_ACTOR);
    snapshot = send(snapshot, 'REQUEST_EXTENSION', staff, { reason: 'parts on order', proposedDeadline: '2027-01-15' });
    expect(nextTimer(snapshot, policy)?.event).toBe('ESCALATE');
    snapshot = send(snapshot, 'APPROVE_EXTENSION', verifier);
    expect(nextTimer(snapshot, policy)).toEqual({ event: 'DUE_SOON', dueAt: '2027-01-12T15:59:59.999Z', level: null });
  });

  it('is cancelled by withdrawing', () => {
    const snapshot = send(send(initialTransition(findingMachine, input)[0] as Snapshot, 'ASSIGN', lead), 'WITHDRAW', lead, { reason: 'logged twice' });
    expect(nextTimer(snapshot, policy)).toBeNull();
  });

  it('in every reachable state, names an event the machine takes from the system, and exists whenever one is due', () => {
    const events = (snapshot: Snapshot) => {
      const { escalationLevel: level, receiptEscalationLevel: receiptLevel } = snapshot.context as FindingContext;
      const e = (type: string, actor: Actor, payload: Record<string, unknown> = {}) => ({ type, actor, at, today, timeZone, ...payload });
      return [
        e('ASSIGN', lead),
        e('ACKNOWLEDGE', staff),
        e('SET_DEADLINE', lead, { deadline: '2026-12-20', reason: 'r' }),
        e('SCHEDULE_FOLLOW_UP', verifier, { dueOn: '2026-12-30' }),
        e('FOLLOW_UP_FAILED', verifier, { reason: 'r', deadline: '2027-01-31' }),
        ...(receiptLevel < policy.escalations.length ? [e('RECEIPT_ESCALATE', SYSTEM_ACTOR)] : []),
        e('RECEIPT_LATE', SYSTEM_ACTOR),
        e('SUBMIT_PLAN', staff, { measures: 'm', committedDate: '2026-12-01' }),
        e('SUBMIT_EVIDENCE', staff, { note: 'n' }),
        e('VERIFY_ACCEPT', verifier),
        e('REOPEN', discipline, { reason: 'r' }),
        e('WITHDRAW', lead, { reason: 'r' }),
        e('REQUEST_EXTENSION', staff, { reason: 'r', proposedDeadline: '2027-02-01' }),
        e('APPROVE_EXTENSION', verifier),
        e('DUE_SOON', SYSTEM_ACTOR),
        e('DEADLINE_PASSED', SYSTEM_ACTOR),
        ...(level < policy.escalations.length ? [e('ESCALATE', SYSTEM_ACTOR)] : []),
      ];
    };
    const { paths } = explore(findingMachine, input, events as never, (context: FindingContext) => [
      context.escalationLevel,
      context.receiptEscalationLevel,
      context.deadline,
      context.committedDue,
      context.followUp !== null,
    ]);
    expect(paths.length).toBeGreaterThan(50);
    for (const { state } of paths) {
      const snapshot = state as Snapshot;
      const timer = nextTimer(snapshot, policy);
      const { escalationLevel: level, receiptEscalationLevel: receiptLevel } = snapshot.context as FindingContext;
      const systemMay = [
        'DUE_SOON',
        'DEADLINE_PASSED',
        'RECEIPT_LATE',
        ...(level < policy.escalations.length ? ['ESCALATE'] : []),
        ...(receiptLevel < policy.escalations.length ? ['RECEIPT_ESCALATE'] : []),
      ].filter((type) => snapshot.can({ type, actor: SYSTEM_ACTOR, at, today, timeZone } as never));
      // Two clocks may each owe an event; the timer is the earlier one's, and there is one whenever either owes one.
      if (timer) expect(systemMay).toContain(timer.event);
      else expect(systemMay).toEqual([]);
    }
  });
});
