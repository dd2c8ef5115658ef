import { initialTransition, transition } from 'xstate';
import { explore } from '../test/support/machine-coverage';
import {
  Actor,
  FindingContext,
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

const input = {
  roundId: 'round',
  roundType: 'administrative' as const,
  severity: 'major' as const,
  roundLeadId: 'lead',
  responsibleDepartmentId: 'dept-a',
  defaultDeadlineDays: 15,
  extensionLimit: 2,
  evidenceRequired: 0,
  photos: [],
};

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
    let snapshot = initialTransition(findingMachine, input)[0] as Snapshot;
    expect(nextTimer(snapshot, policy)).toBeNull();
    snapshot = send(snapshot, 'ASSIGN', lead);
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
    let snapshot = send(initialTransition(findingMachine, input)[0] as Snapshot, 'ASSIGN', lead);
    snapshot = send(snapshot, 'DUE_SOON', SYSTEM_ACTOR);
    snapshot = send(snapshot, 'SUBMIT_PLAN', staff, { measures: 'm', committedDate: '2026-12-01' });
    snapshot = send(snapshot, 'SUBMIT_EVIDENCE', staff, { note: 'n' });
    snapshot = send(snapshot, 'VERIFY_ACCEPT', verifier);
    expect(findingStatus(snapshot.value).state).toBe('closed');
    expect(nextTimer(snapshot, policy)).toBeNull();
    snapshot = send(snapshot, 'REOPEN', discipline, { reason: 'recurred' });
    expect(nextTimer(snapshot, policy)).toEqual({ event: 'DEADLINE_PASSED', dueAt: DEADLINE, level: null });
  });

  it('starts over from the new deadline when an extension is approved, escalation forgotten', () => {
    let snapshot = send(initialTransition(findingMachine, input)[0] as Snapshot, 'ASSIGN', lead);
    snapshot = send(snapshot, 'DEADLINE_PASSED', SYSTEM_ACTOR);
    snapshot = send(snapshot, 'ESCALATE', SYSTEM_ACTOR);
    snapshot = send(snapshot, 'REQUEST_EXTENSION', staff, { reason: 'parts on order', proposedDeadline: '2027-01-15' });
    expect(nextTimer(snapshot, policy)?.event).toBe('ESCALATE');
    snapshot = send(snapshot, 'APPROVE_EXTENSION', verifier);
    expect(nextTimer(snapshot, policy)).toEqual({ event: 'DUE_SOON', dueAt: '2027-01-12T15:59:59.999Z', level: null });
  });

  it('is cancelled by withdrawing', () => {
    let snapshot = send(initialTransition(findingMachine, input)[0] as Snapshot, 'ASSIGN', lead);
    snapshot = send(snapshot, 'WITHDRAW', lead, { reason: 'logged twice' });
    expect(nextTimer(snapshot, policy)).toBeNull();
  });

  it('in every reachable state, names an event the machine takes from the system, and exists whenever one is due', () => {
    const events = (snapshot: Snapshot) => {
      const level = (snapshot.context as FindingContext).escalationLevel;
      const e = (type: string, actor: Actor, payload: Record<string, unknown> = {}) => ({ type, actor, at, today, timeZone, ...payload });
      return [
        e('ASSIGN', lead),
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
    const { paths } = explore(findingMachine, input, events as never, (context: FindingContext) => [context.escalationLevel, context.deadline]);
    expect(paths.length).toBeGreaterThan(50);
    for (const { state } of paths) {
      const snapshot = state as Snapshot;
      const timer = nextTimer(snapshot, policy);
      const level = (snapshot.context as FindingContext).escalationLevel;
      const systemMay = ['DUE_SOON', 'DEADLINE_PASSED', ...(level < policy.escalations.length ? ['ESCALATE'] : [])].filter((type) =>
        snapshot.can({ type, actor: SYSTEM_ACTOR, at, today, timeZone } as never),
      );
      if (timer) expect(systemMay).toContain(timer.event);
      else expect(systemMay).toEqual([]);
    }
  });
});
