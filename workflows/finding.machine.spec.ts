import { initialTransition, transition } from 'xstate';
import { explore, stepDisagreements, untakenTransitions } from '../test/support/machine-coverage';
import {
  Actor,
  EXTENSION_STATES,
  FINDING_PROGRESS_STATES,
  RECEIPT_STATES,
  TIMELINESS_STATES,
  FindingContext,
  FindingInput,
  NOTICE_TYPES,
  Notice,
  ROLES,
  Role,
  RoundType,
  SYSTEM_ACTOR,
  Snapshot,
  availableEvents,
  decide,
  findingMachine,
  findingStatus,
  resolveWorkflow,
  restore,
  toStored,
} from './index';

const at = '2026-11-23T02:00:00.000Z';
const today = '2026-11-23';
const timeZone = 'Asia/Shanghai';
const actor = (id: string, roles: Role[], departmentId: string | null = null, leadOfficeFor: RoundType[] = []): Actor => ({
  id,
  roles,
  departmentId,
  leadOfficeFor,
});

const lead = actor('lead', ['round_lead']);
const otherLead = actor('other-lead', ['round_lead']);
const staff = actor('staff', ['department_staff'], 'dept-a');
const otherStaff = actor('staff-b', ['department_staff'], 'dept-b');
const verifierFor = (type: RoundType) => actor('verifier', ['verifier'], 'office', [type]);
const discipline = actor('discipline', ['discipline_office'], 'discipline-dept');
/** The verifier who accepts, when it also belongs to the discipline office (a small office). */
const selfAuditor = (type: RoundType) => actor('verifier', ['verifier', 'discipline_office'], 'office', [type]);
const inspector = actor('inspector', ['inspector']);
const admin = actor('admin', ['admin']);
/** The hospital's leadership reads only: every event refuses it. */
const leader = actor('leader', ['leadership']);

const input = (roundType: RoundType, severity: FindingInput['severity'] = 'major'): FindingInput => ({
  roundId: 'round',
  source: 'round',
  roundType,
  severity,
  lead: { kind: 'round_lead', userId: 'lead' },
  responsibleDepartmentId: 'dept-a',
  responsiblePersonId: null,
  defaultDeadlineDays: 15,
  receiptDays: 2,
  followUpDays: severity === 'minor' ? null : 30,
  extensionLimit: 2,
  evidenceRequired: severity === 'critical' ? 1 : 0,
  photos: [],
});

const photo = { id: 'photo', sha256: 'a'.repeat(64), size: 1, contentType: 'image/jpeg', originalName: 'p.jpg', effectiveDate: today };

/** One well-formed event of each type, from the actor entitled to send it. */
function entitledEvents(roundType: RoundType) {
  const verifier = verifierFor(roundType);
  const e = (type: string, sender: Actor, payload: Record<string, unknown> = {}) => ({ type, actor: sender, at, today, timeZone, ...payload });
  return [
    e('ASSIGN', lead),
    e('ACKNOWLEDGE', staff),
    e('SET_DEADLINE', lead, { deadline: '2027-01-20', reason: 'list reviewed' }),
    e('REASSIGN', lead, { departmentId: 'dept-c', reason: 'belongs to nursing' }),
    e('REASSIGN', lead, { departmentId: 'dept-a', reason: 'back to the ward' }),
    e('UPHOLD', lead),
    e('DISPUTE', staff, { reason: 'not ours' }),
    e('DISPUTE', actor('staff-c', ['department_staff'], 'dept-c'), { reason: 'not ours either' }),
    e('SUBMIT_PLAN', staff, { measures: 'weekly checks', committedDate: '2026-11-30' }),
    e('SUBMIT_PLAN', actor('staff-c', ['department_staff'], 'dept-c'), { measures: 'x', committedDate: '2026-11-30' }),
    e('SUBMIT_EVIDENCE', staff, { note: 'photos attached', attachments: [photo] }),
    e('SUBMIT_EVIDENCE', staff, { note: 'no photos' }),
    e('VERIFY_ACCEPT', verifier),
    e('VERIFY_REJECT', verifier, { reason: 'photos unclear' }),
    e('AUDIT_APPROVE', discipline),
    e('AUDIT_REJECT', discipline, { reason: 'evidence incomplete' }),
    e('ALLOW_SELF_AUDIT', discipline, { reason: 'two people in the office; the other is on leave' }),
    // Taken only once another discipline-office user has allowed it.
    e('AUDIT_APPROVE', selfAuditor(roundType)),
    e('REOPEN', discipline, { reason: 'recurred' }),
    e('WITHDRAW', lead, { reason: 'logged twice' }),
    e('TRANSFER', discipline, { reason: 'case handling' }),
    e('REQUEST_EXTENSION', staff, { reason: 'parts on order', proposedDeadline: '2027-02-01' }),
    e('REQUEST_EXTENSION', staff, { reason: 'still on order', proposedDeadline: '2027-06-01' }),
    e('APPROVE_EXTENSION', verifier),
    e('DENY_EXTENSION', verifier, { reason: 'no' }),
    e('SCHEDULE_FOLLOW_UP', verifier, { dueOn: '2026-12-30' }),
    e('FOLLOW_UP_PASSED', verifier, { note: 'still fixed', attachments: [photo] }),
    e('FOLLOW_UP_FAILED', verifier, { reason: 'back again', deadline: '2027-01-31' }),
    e('DUE_SOON', SYSTEM_ACTOR),
    e('DEADLINE_PASSED', SYSTEM_ACTOR),
    e('ESCALATE', SYSTEM_ACTOR),
    e('RECEIPT_LATE', SYSTEM_ACTOR),
    e('RECEIPT_ESCALATE', SYSTEM_ACTOR),
  ];
}

/** What each event asks of whom (`notice→audiences`); an escalation's audience comes from the ladder. */
const NOTICES_BY_EVENT: Record<string, string[]> = {
  ASSIGN: ['assigned→department_staff'],
  ACKNOWLEDGE: [],
  SET_DEADLINE: ['deadline_set→department_staff'],
  SCHEDULE_FOLLOW_UP: [],
  FOLLOW_UP_PASSED: [],
  FOLLOW_UP_FAILED: ['follow_up_failed→department_staff'],
  RECEIPT_LATE: ['receipt_late→department_staff'],
  RECEIPT_ESCALATE: ['receipt_escalated→'],
  REASSIGN: ['assigned→department_staff'],
  UPHOLD: ['assigned→department_staff'],
  DISPUTE: ['disputed→round_lead'],
  SUBMIT_PLAN: [],
  SUBMIT_EVIDENCE: ['evidence_submitted→verifier'],
  VERIFY_REJECT: ['rejected→department_staff'],
  AUDIT_APPROVE: [],
  AUDIT_REJECT: ['rejected→department_staff'],
  ALLOW_SELF_AUDIT: [],
  REOPEN: ['reopened→department_staff'],
  WITHDRAW: [],
  TRANSFER: [],
  REQUEST_EXTENSION: ['extension_requested→verifier'],
  APPROVE_EXTENSION: ['extension_approved→department_staff'],
  DENY_EXTENSION: ['extension_denied→department_staff'],
  DUE_SOON: ['due_soon→department_staff'],
  DEADLINE_PASSED: ['overdue→department_staff'],
  ESCALATE: ['escalated→'],
};

describe('finding machine', () => {
  describe.each([
    ['administrative', 'major'],
    ['administrative', 'critical'],
    ['integrity', 'minor'],
  ] as const)('explored for a %s %s finding', (roundType, severity) => {
    // An allowance changes who may approve, a scheduled follow-up check who may record it: states are told apart by both.
    const { paths, steps } = explore(
      findingMachine,
      input(roundType, severity),
      () => entitledEvents(roundType) as never,
      (context: FindingContext) => [context.selfAuditAllowance !== null, context.followUp !== null],
    );

    it('reaches every transition it should, and no other', () => {
      const untaken = untakenTransitions(findingMachine, steps);
      const expectedUntaken = [
        ...(roundType === 'integrity' || severity === 'critical'
          ? [
              'finding.progress.open.verifying --VERIFY_ACCEPT--> finding-closed',
              // Closed only through the closure audit, so its closure is approved already.
              'finding-closed --AUDIT_APPROVE--> finding-closed',
              'finding-closed --ALLOW_SELF_AUDIT--> finding-closed',
            ]
          : [
              'finding.progress.open.verifying --VERIFY_ACCEPT--> finding.progress.open.closure_audit',
              'finding.progress.open.closure_audit --AUDIT_APPROVE--> finding-closed',
              'finding.progress.open.closure_audit --AUDIT_REJECT--> finding.progress.open.rectifying',
              'finding.progress.open.closure_audit --ALLOW_SELF_AUDIT--> finding.progress.open.closure_audit',
            ]),
        ...(roundType === 'integrity' ? [] : ['finding-open --TRANSFER--> finding.progress.transferred']),
      ];
      expect(untaken.sort()).toEqual(expectedUntaken.sort());
    });

    it('asks the right people of every step that needs someone to act, and of no other', () => {
      const needsAudit = roundType === 'integrity' || severity === 'critical';
      const expected: Record<string, string[]> = {
        ...NOTICES_BY_EVENT,
        VERIFY_ACCEPT: needsAudit ? ['closure_audit_requested→discipline_office'] : [],
      };
      const wrong = steps.flatMap(({ event, actions }) => {
        const notices = actions.filter((a) => a.type === 'notify').map((a) => {
          const { notice, to } = a.params as Notice;
          return `${notice}→${to.join(',')}`;
        });
        return JSON.stringify(notices) === JSON.stringify(expected[event.type]) ? [] : [`${event.type}: ${notices.join(' ')}`];
      });
      expect(wrong).toEqual([]);
      const sent = new Set(steps.flatMap(({ actions }) => actions.filter((a) => a.type === 'notify').map((a) => (a.params as Notice).notice)));
      expect(NOTICE_TYPES.filter((type) => !sent.has(type))).toEqual(needsAudit ? [] : ['closure_audit_requested']);
    });

    it('lets the one who accepted approve the closure only after another discipline-office user allowed it', () => {
      const byAcceptor = steps.filter(({ event }) => event.type === 'AUDIT_APPROVE' && (event as unknown as { actor: Actor }).actor.id === 'verifier');
      expect(byAcceptor.length).toBeGreaterThan(0);
      expect(byAcceptor.filter(({ before }) => (before.context as FindingContext).selfAuditAllowance === null)).toEqual([]);
      const allowances = steps.filter(({ event }) => event.type === 'ALLOW_SELF_AUDIT');
      expect(allowances.length).toBeGreaterThan(0);
      for (const { after, actions } of allowances) {
        expect((after.context as FindingContext).selfAuditAllowance).toMatchObject({ allowedBy: 'discipline', acceptedBy: 'verifier' });
        expect(actions.map((a) => a.type)).toContain('selfAuditAllowed');
      }
    });

    it("takes the same steps through the engine's step() as through xstate's transition()", () => {
      expect(steps.length).toBeGreaterThan(0);
      expect(stepDisagreements(resolveWorkflow('finding', 5), steps)).toEqual([]);
    });

    it('reaches every state the round type allows', () => {
      const reached = paths.map((p) => findingStatus(p.state.value));
      const unreached = [
        ...FINDING_PROGRESS_STATES.filter((state) => !reached.some((r) => r.state === state)),
        ...TIMELINESS_STATES.filter((state) => !reached.some((r) => r.timeliness === state)),
        ...EXTENSION_STATES.filter((state) => !reached.some((r) => r.extension === state)),
        ...RECEIPT_STATES.filter((state) => !reached.some((r) => r.receipt === state)),
      ];
      const expected = [
        ...(roundType === 'integrity' || severity === 'critical' ? [] : ['closure_audit']),
        ...(roundType === 'integrity' ? [] : ['transferred']),
      ];
      expect(unreached.sort()).toEqual(expected.sort());
    });

    it('restores every reached snapshot from JSON and behaves the same afterwards', () => {
      const workflow = resolveWorkflow('finding', 5);
      for (const path of paths) {
        const original = path.state as Snapshot;
        const restored = restore(workflow, JSON.parse(JSON.stringify(toStored(original))));
        expect(restored.value).toEqual(original.value);
        expect(restored.context).toEqual(original.context);
        for (const event of entitledEvents(roundType)) {
          expect(restored.can(event as never)).toBe(original.can(event as never));
          const [fromOriginal] = transition(findingMachine, original, event as never);
          const [fromRestored] = transition(findingMachine, restored, event as never);
          expect(fromRestored.value).toEqual(fromOriginal.value);
          expect(fromRestored.context).toEqual(fromOriginal.context);
        }
      }
    });
  });

  /** Role × event: who may send each event, in a state where the event is handled. */
  describe('who may send what', () => {
    const workflow = resolveWorkflow('finding', 5);
    const walk = (roundType: RoundType, events: string[]): Snapshot => {
      let [snapshot] = initialTransition(findingMachine, input(roundType));
      for (const type of events) {
        const event = entitledEvents(roundType).find((e) => e.type === type)!;
        [snapshot] = transition(findingMachine, snapshot, event as never);
      }
      return snapshot as Snapshot;
    };
    const table: [event: string, state: string[], payload: Record<string, unknown>, allowed: Actor, refused: Actor[]][] = [
      ['ASSIGN', [], {}, lead, [otherLead, staff, verifierFor('integrity'), discipline, inspector, admin, SYSTEM_ACTOR]],
      ['DISPUTE', ['ASSIGN'], { reason: 'r' }, staff, [otherStaff, lead, verifierFor('integrity'), discipline, inspector, admin]],
      ['REASSIGN', ['ASSIGN', 'DISPUTE'], { departmentId: 'dept-b', reason: 'r' }, lead, [otherLead, staff, discipline, admin]],
      ['UPHOLD', ['ASSIGN', 'DISPUTE'], {}, lead, [otherLead, staff, discipline, admin]],
      ['SUBMIT_PLAN', ['ASSIGN'], { measures: 'm', committedDate: '2026-12-01' }, staff, [otherStaff, lead, admin, inspector]],
      ['SUBMIT_EVIDENCE', ['ASSIGN', 'SUBMIT_PLAN'], { note: 'n' }, staff, [otherStaff, lead, admin]],
      ['VERIFY_ACCEPT', ['ASSIGN', 'SUBMIT_PLAN', 'SUBMIT_EVIDENCE'], {}, verifierFor('integrity'), [verifierFor('administrative'), staff, lead, discipline, admin]],
      ['VERIFY_REJECT', ['ASSIGN', 'SUBMIT_PLAN', 'SUBMIT_EVIDENCE'], { reason: 'r' }, verifierFor('integrity'), [verifierFor('party_building'), staff, lead, admin]],
      ['AUDIT_APPROVE', ['ASSIGN', 'SUBMIT_PLAN', 'SUBMIT_EVIDENCE', 'VERIFY_ACCEPT'], {}, discipline, [verifierFor('integrity'), lead, staff, admin]],
      ['AUDIT_REJECT', ['ASSIGN', 'SUBMIT_PLAN', 'SUBMIT_EVIDENCE', 'VERIFY_ACCEPT'], { reason: 'r' }, discipline, [verifierFor('integrity'), lead, admin]],
      ['ALLOW_SELF_AUDIT', ['ASSIGN', 'SUBMIT_PLAN', 'SUBMIT_EVIDENCE', 'VERIFY_ACCEPT'], { reason: 'r' }, discipline, [verifierFor('integrity'), lead, staff, admin]],
      ['REOPEN', ['ASSIGN', 'SUBMIT_PLAN', 'SUBMIT_EVIDENCE', 'VERIFY_ACCEPT', 'AUDIT_APPROVE'], { reason: 'r' }, discipline, [lead, staff, verifierFor('integrity'), admin]],
      ['WITHDRAW', ['ASSIGN'], { reason: 'r' }, lead, [otherLead, staff, discipline, admin, inspector]],
      ['TRANSFER', ['ASSIGN'], { reason: 'r' }, discipline, [lead, staff, verifierFor('integrity'), admin]],
      ['REQUEST_EXTENSION', ['ASSIGN'], { reason: 'r', proposedDeadline: '2027-03-01' }, staff, [otherStaff, lead, admin]],
      ['APPROVE_EXTENSION', ['ASSIGN', 'REQUEST_EXTENSION'], {}, verifierFor('integrity'), [verifierFor('administrative'), staff, lead, discipline, admin]],
      ['DENY_EXTENSION', ['ASSIGN', 'REQUEST_EXTENSION'], { reason: 'r' }, verifierFor('integrity'), [verifierFor('administrative'), staff, admin]],
      ['DUE_SOON', ['ASSIGN'], {}, SYSTEM_ACTOR, [lead, staff, discipline, admin]],
      ['DEADLINE_PASSED', ['ASSIGN'], {}, SYSTEM_ACTOR, [lead, staff, discipline, admin]],
      ['ESCALATE', ['ASSIGN', 'DEADLINE_PASSED'], {}, SYSTEM_ACTOR, [lead, staff, discipline, admin]],
      ['ACKNOWLEDGE', ['ASSIGN'], {}, staff, [otherStaff, lead, verifierFor('integrity'), discipline, admin, SYSTEM_ACTOR]],
      ['SET_DEADLINE', ['ASSIGN'], { deadline: '2027-01-20', reason: 'r' }, lead, [otherLead, staff, verifierFor('integrity'), discipline, admin]],
      ['RECEIPT_LATE', ['ASSIGN'], {}, SYSTEM_ACTOR, [lead, staff, discipline, admin]],
      ['RECEIPT_ESCALATE', ['ASSIGN', 'RECEIPT_LATE'], {}, SYSTEM_ACTOR, [lead, staff, discipline, admin]],
      ...(['SCHEDULE_FOLLOW_UP', 'FOLLOW_UP_PASSED', 'FOLLOW_UP_FAILED'] as const).map(
        (type) =>
          [
            type,
            ['ASSIGN', 'SUBMIT_PLAN', 'SUBMIT_EVIDENCE', 'VERIFY_ACCEPT', 'AUDIT_APPROVE'],
            type === 'SCHEDULE_FOLLOW_UP' ? { dueOn: '2026-12-30' } : type === 'FOLLOW_UP_FAILED' ? { reason: 'back', deadline: '2027-01-31' } : {},
            verifierFor('integrity'),
            [verifierFor('administrative'), staff, lead, discipline, admin, SYSTEM_ACTOR],
          ] as [string, string[], Record<string, unknown>, Actor, Actor[]],
      ),
    ];

    it.each(table)('%s: the entitled actor is accepted, the others get "forbidden"', (type, history, payload, allowed, refused) => {
      const snapshot = walk('integrity', history);
      const event = (sender: Actor) => ({ type, actor: sender, at, today, timeZone, ...payload });
      expect(decide(workflow, snapshot, event(allowed) as never)).toEqual({ verdict: 'accepted' });
      for (const sender of [...refused, leader]) {
        expect({ sender: sender.id, roles: sender.roles, ...decide(workflow, snapshot, event(sender) as never) }).toEqual({
          sender: sender.id,
          roles: sender.roles,
          verdict: 'forbidden',
        });
      }
    });

    it('covers every event type and every role', () => {
      expect(new Set(table.map(([type]) => type))).toEqual(new Set(findingMachine.events));
      const roles = new Set(table.flatMap(([, , , allowed, refused]) => [allowed, ...refused, leader].flatMap((a) => a.roles)));
      expect([...roles].sort()).toEqual([...ROLES].sort());
    });
  });

  describe('rules', () => {
    const workflow = resolveWorkflow('finding', 5);
    const assigned = () => transition(findingMachine, initialTransition(findingMachine, input('administrative'))[0], { type: 'ASSIGN', actor: lead, at, today, timeZone } as never)[0] as Snapshot;

    it('gives the default deadline for the severity from the event date', () => {
      expect((assigned().context as FindingContext).deadline).toBe('2026-12-08T23:59:59.999+08:00');
    });

    it('refuses a committed date after the deadline as an invalid payload, naming the field', () => {
      const decision = decide(workflow, assigned(), { type: 'SUBMIT_PLAN', measures: 'm', committedDate: '2026-12-09', actor: staff, at, today, timeZone } as never);
      expect(decision).toEqual({ verdict: 'invalid', problems: [{ field: 'committedDate', reason: 'must not be after the deadline (2026-12-08T23:59:59.999+08:00)' }] });
    });

    it('answers "not now" with the caller\'s events when the state does not take the event', () => {
      const decision = decide(workflow, assigned(), { type: 'VERIFY_ACCEPT', actor: staff, at, today, timeZone } as never);
      expect(decision).toEqual({ verdict: 'not_now', availableEvents: ['ACKNOWLEDGE', 'DISPUTE', 'REQUEST_EXTENSION', 'SUBMIT_PLAN'] });
    });

    it('lists an event whose payload decides it, payload aside: evidence for a finding that needs an attachment', () => {
      const critical = transition(findingMachine, initialTransition(findingMachine, { ...input('administrative'), severity: 'critical', evidenceRequired: 1 })[0], { type: 'ASSIGN', actor: lead, at, today, timeZone } as never)[0] as Snapshot;
      const rectifying = transition(findingMachine, critical, { type: 'SUBMIT_PLAN', measures: 'm', committedDate: '2026-11-30', actor: staff, at, today, timeZone } as never)[0] as Snapshot;
      expect(availableEvents(rectifying, { actor: staff, at, today, timeZone })).toContain('SUBMIT_EVIDENCE');
      expect(decide(workflow, rectifying, { type: 'SUBMIT_EVIDENCE', note: 'n', actor: staff, at, today, timeZone } as never)).toMatchObject({
        verdict: 'invalid',
        problems: [{ field: 'attachmentIds' }],
      });
    });

    it('counts rejections and reopenings, and stops the clock when closed', () => {
      const verifier = verifierFor('administrative');
      let snapshot = assigned();
      const send = (type: string, sender: Actor, payload: Record<string, unknown> = {}) => {
        snapshot = transition(findingMachine, snapshot, { type, actor: sender, at, today, timeZone, ...payload } as never)[0] as Snapshot;
      };
      send('SUBMIT_PLAN', staff, { measures: 'm', committedDate: '2026-12-01' });
      send('SUBMIT_EVIDENCE', staff, { note: 'n' });
      send('VERIFY_REJECT', verifier, { reason: 'r' });
      send('SUBMIT_EVIDENCE', staff, { note: 'n2' });
      send('VERIFY_ACCEPT', verifier);
      expect(findingStatus(snapshot.value).state).toBe('closed');
      expect(snapshot.context).toMatchObject({ rejections: 1, closedAt: at });
      expect(availableEvents(snapshot, { actor: SYSTEM_ACTOR, at, today, timeZone })).toEqual([]);
      send('REOPEN', discipline, { reason: 'recurred' });
      expect(findingStatus(snapshot.value).state).toBe('rectifying');
      expect(snapshot.context).toMatchObject({ reopenCount: 1, closedAt: null });
    });

    it('reads deadlines in the hospital time zone: a date is the end of that day, a date-time without offset is local', () => {
      const verifier = verifierFor('administrative');
      let snapshot = assigned();
      const send = (type: string, sender: Actor, payload: Record<string, unknown> = {}) => {
        snapshot = transition(findingMachine, snapshot, { type, actor: sender, at, today, timeZone, ...payload } as never)[0] as Snapshot;
      };
      send('REQUEST_EXTENSION', staff, { reason: 'r', proposedDeadline: '2026-12-20T17:30' });
      expect((snapshot.context as FindingContext).proposedDeadline).toBe('2026-12-20T17:30:00.000+08:00');
      send('APPROVE_EXTENSION', verifier, { deadline: '2026-12-21T01:00:00Z' });
      expect((snapshot.context as FindingContext).deadline).toBe('2026-12-21T09:00:00.000+08:00');
      // The committed date may be the deadline's local date, not the day after.
      const plan = (committedDate: string) => decide(workflow, snapshot, { type: 'SUBMIT_PLAN', measures: 'm', committedDate, actor: staff, at, today, timeZone } as never);
      expect(plan('2026-12-21')).toEqual({ verdict: 'accepted' });
      expect(plan('2026-12-22')).toMatchObject({ verdict: 'invalid', problems: [{ field: 'committedDate' }] });
      const early = decide(workflow, snapshot, { type: 'REQUEST_EXTENSION', reason: 'r', proposedDeadline: '2026-12-21T08:00', actor: staff, at, today, timeZone } as never);
      expect(early).toEqual({ verdict: 'invalid', problems: [{ field: 'proposedDeadline', reason: 'must be later than the deadline (2026-12-21T09:00:00.000+08:00)' }] });
    });

    it('allows as many extension requests as the limit; then the department hears why, and anyone else is refused', () => {
      const verifier = verifierFor('administrative');
      let snapshot = assigned();
      const request = (proposedDeadline: string, sender: Actor = staff) =>
        ({ type: 'REQUEST_EXTENSION', reason: 'r', proposedDeadline, actor: sender, at, today, timeZone }) as never;
      snapshot = transition(findingMachine, snapshot, request('2027-01-10'))[0] as Snapshot;
      snapshot = transition(findingMachine, snapshot, { type: 'DENY_EXTENSION', reason: 'no', actor: verifier, at, today, timeZone } as never)[0] as Snapshot;
      // While a request is pending, a second is not possible.
      const pending = transition(findingMachine, snapshot, request('2027-01-10'))[0] as Snapshot;
      expect(decide(workflow, pending, request('2027-02-10'))).toMatchObject({ verdict: 'not_now' });
      snapshot = transition(findingMachine, pending, { type: 'APPROVE_EXTENSION', actor: verifier, at, today, timeZone } as never)[0] as Snapshot;
      expect(snapshot.context).toMatchObject({ extensionRequests: 2, extensionLimit: 2 });
      expect(decide(workflow, snapshot, request('2027-03-01'))).toEqual({
        verdict: 'conflict',
        message: 'This finding has had its 2 extension request(s); no more may be made',
        details: { limit: 2, count: 2 },
      });
      expect(decide(workflow, snapshot, request('2027-03-01', otherStaff))).toEqual({ verdict: 'forbidden' });
    });

    it('approves an extension with the proposed deadline and restarts the clock', () => {
      let snapshot = assigned();
      const send = (type: string, sender: Actor, payload: Record<string, unknown> = {}) => {
        snapshot = transition(findingMachine, snapshot, { type, actor: sender, at, today, timeZone, ...payload } as never)[0] as Snapshot;
      };
      send('DEADLINE_PASSED', SYSTEM_ACTOR);
      send('REQUEST_EXTENSION', staff, { reason: 'r', proposedDeadline: '2027-01-15' });
      send('APPROVE_EXTENSION', verifierFor('administrative'));
      expect(findingStatus(snapshot.value)).toEqual({ state: 'assigned', timeliness: 'on_track', extension: 'approved', receipt: 'unacknowledged' });
      expect((snapshot.context as FindingContext).deadline).toBe('2027-01-15T23:59:59.999+08:00');
    });
  });
});

describe('evidence and the decisions taken on it', () => {
  const workflow = resolveWorkflow('finding', 5);
  const run = (severity: FindingInput['severity'], ...events: [string, Actor, Record<string, unknown>?][]) => {
    let snapshot = initialTransition(findingMachine, input('administrative', severity))[0] as Snapshot;
    for (const [type, sender, payload] of events) {
      const event = { type, actor: sender, at, today, timeZone, ...payload } as never;
      expect(decide(workflow, snapshot, event)).toEqual({ verdict: 'accepted' });
      snapshot = transition(findingMachine, snapshot, event)[0] as Snapshot;
    }
    return snapshot;
  };
  const rectifying: [string, Actor, Record<string, unknown>?][] = [
    ['ASSIGN', lead],
    ['SUBMIT_PLAN', staff, { measures: 'weekly checks', committedDate: '2026-11-30' }],
  ];

  it('refuses evidence without the attachments the severity needs, naming the rule', () => {
    const snapshot = run('critical', ...rectifying);
    const bare = { type: 'SUBMIT_EVIDENCE', note: 'done', actor: staff, at, today, timeZone } as never;
    expect(decide(workflow, snapshot, bare)).toEqual({
      verdict: 'invalid',
      problems: [{ field: 'attachmentIds', reason: 'a critical finding needs at least 1 attachment(s) as evidence (rule EVIDENCE_REQUIRED)' }],
    });
    expect(decide(workflow, run('major', ...rectifying), bare)).toEqual({ verdict: 'accepted' });
  });

  it('keeps the evidence, records its acceptance, and lets no acceptance outlive a reopening or new evidence', () => {
    const verifier = verifierFor('administrative');
    let snapshot = run('critical', ...rectifying, ['SUBMIT_EVIDENCE', staff, { note: 'fixed', attachments: [photo] }]);
    const context = () => snapshot.context as FindingContext;
    expect(context().evidence).toEqual({ note: 'fixed', attachments: [photo], submittedAt: at, submittedBy: 'staff' });
    expect(workflow.decisionBasis!(context(), { type: 'VERIFY_ACCEPT' })).toEqual({
      measures: 'weekly checks',
      committedDate: '2026-11-30',
      evidence: context().evidence,
    });
    expect(workflow.decisionBasis!(context(), { type: 'SUBMIT_PLAN' })).toBeNull();
    snapshot = transition(findingMachine, snapshot, { type: 'VERIFY_ACCEPT', actor: verifier, at, today, timeZone } as never)[0] as Snapshot;
    expect(findingStatus(snapshot.value).state).toBe('closure_audit');
    expect(context().verification).toEqual({ acceptedAt: at, acceptedBy: 'verifier' });
    snapshot = transition(findingMachine, snapshot, { type: 'AUDIT_APPROVE', actor: discipline, at, today, timeZone } as never)[0] as Snapshot;
    snapshot = transition(findingMachine, snapshot, { type: 'REOPEN', reason: 'recurred', actor: discipline, at, today, timeZone } as never)[0] as Snapshot;
    expect(findingStatus(snapshot.value).state).toBe('rectifying');
    expect(context().verification).toBeNull();
    snapshot = transition(findingMachine, snapshot, { type: 'SUBMIT_EVIDENCE', note: 'again', attachments: [photo], actor: staff, at, today, timeZone } as never)[0] as Snapshot;
    expect(context().evidence?.note).toBe('again');
    expect(findingStatus(snapshot.value).state).toBe('verifying');
    expect(context().verification).toBeNull();
  });
});

describe('separation of duties', () => {
  const workflow = resolveWorkflow('finding', 5);
  const acceptor = selfAuditor('integrity');
  const send = (snapshot: Snapshot, type: string, sender: Actor, payload: Record<string, unknown> = {}) => {
    const event = { type, actor: sender, at, today, timeZone, ...payload } as never;
    expect(decide(workflow, snapshot, event)).toEqual({ verdict: 'accepted' });
    return transition(findingMachine, snapshot, event)[0] as Snapshot;
  };
  const decideAs = (snapshot: Snapshot, type: string, sender: Actor, payload: Record<string, unknown> = {}) =>
    decide(workflow, snapshot, { type, actor: sender, at, today, timeZone, ...payload } as never);
  /** An integrity finding the acceptor (verifier and discipline office at once) has accepted: it waits for the closure audit. */
  const accepted = () => {
    let snapshot = initialTransition(findingMachine, input('integrity'))[0] as Snapshot;
    snapshot = send(snapshot, 'ASSIGN', lead);
    snapshot = send(snapshot, 'SUBMIT_PLAN', staff, { measures: 'Return the gift', committedDate: '2026-11-30' });
    snapshot = send(snapshot, 'SUBMIT_EVIDENCE', staff, { note: 'returned' });
    return send(snapshot, 'VERIFY_ACCEPT', acceptor);
  };
  const separation = { rule: 'SEPARATION_OF_DUTIES', acceptedBy: 'verifier', acceptedAt: at };

  it('refuses the acceptor the closure audit with the reason (409), and offers it nothing it may not send', () => {
    const snapshot = accepted();
    expect(findingStatus(snapshot.value).state).toBe('closure_audit');
    expect(decideAs(snapshot, 'AUDIT_APPROVE', acceptor)).toEqual({
      verdict: 'conflict',
      message: expect.stringMatching(/^You accepted this finding's verification, so you may not also approve its closure audit \(separation of duties\)/),
      details: separation,
    });
    expect(availableEvents(snapshot, { actor: acceptor, at, today, timeZone })).toEqual(['AUDIT_REJECT', 'TRANSFER']);
    expect(decideAs(snapshot, 'AUDIT_APPROVE', discipline)).toEqual({ verdict: 'accepted' });
  });

  it('refuses the acceptor an allowance of its own; another discipline-office user gives it once, and then the acceptor may approve', () => {
    let snapshot = accepted();
    expect(decideAs(snapshot, 'ALLOW_SELF_AUDIT', acceptor, { reason: 'r' })).toEqual({
      verdict: 'conflict',
      message: "You accepted this finding's verification: only another discipline-office user may allow you to approve its closure audit",
      details: separation,
    });
    // Someone outside the discipline office who accepted hears only that it is not theirs to send.
    expect(decideAs(snapshot, 'ALLOW_SELF_AUDIT', verifierFor('integrity'), { reason: 'r' })).toEqual({ verdict: 'forbidden' });
    expect(decideAs(snapshot, 'AUDIT_APPROVE', verifierFor('integrity'))).toEqual({ verdict: 'forbidden' });

    snapshot = send(snapshot, 'ALLOW_SELF_AUDIT', discipline, { reason: 'two in the office; the other is on leave' });
    expect((snapshot.context as FindingContext).selfAuditAllowance).toEqual({
      allowedAt: at,
      allowedBy: 'discipline',
      acceptedBy: 'verifier',
      reason: 'two in the office; the other is on leave',
    });
    expect(findingStatus(snapshot.value).state).toBe('closure_audit');
    expect(decideAs(snapshot, 'ALLOW_SELF_AUDIT', discipline, { reason: 'again' })).toMatchObject({ verdict: 'not_now' });
    snapshot = send(snapshot, 'AUDIT_APPROVE', acceptor);
    expect(findingStatus(snapshot.value).state).toBe('closed');
    expect((snapshot.context as FindingContext).closureApproval).toEqual({ approvedAt: at, approvedBy: 'verifier' });
  });

  it('lets no allowance outlive the acceptance it was given for', () => {
    let snapshot = send(accepted(), 'ALLOW_SELF_AUDIT', discipline, { reason: 'small office' });
    snapshot = send(snapshot, 'AUDIT_REJECT', discipline, { reason: 'evidence thin' });
    expect((snapshot.context as FindingContext).selfAuditAllowance).toBeNull();
    snapshot = send(snapshot, 'SUBMIT_EVIDENCE', staff, { note: 'more' });
    snapshot = send(snapshot, 'VERIFY_ACCEPT', acceptor);
    expect(decideAs(snapshot, 'AUDIT_APPROVE', acceptor)).toMatchObject({ verdict: 'conflict', details: separation });
  });

  it('holds for a sampled closed finding as well: its acceptor does not approve the sample', () => {
    let snapshot = initialTransition(findingMachine, input('administrative'))[0] as Snapshot;
    const presidentsOffice = selfAuditor('administrative');
    snapshot = send(snapshot, 'ASSIGN', lead);
    snapshot = send(snapshot, 'SUBMIT_PLAN', staff, { measures: 'm', committedDate: '2026-11-30' });
    snapshot = send(snapshot, 'SUBMIT_EVIDENCE', staff, { note: 'n' });
    snapshot = send(snapshot, 'VERIFY_ACCEPT', presidentsOffice);
    expect(findingStatus(snapshot.value).state).toBe('closed');
    expect(decideAs(snapshot, 'AUDIT_APPROVE', presidentsOffice)).toMatchObject({ verdict: 'conflict', details: separation });
    snapshot = send(snapshot, 'ALLOW_SELF_AUDIT', discipline, { reason: 'small office' });
    snapshot = send(snapshot, 'AUDIT_APPROVE', presidentsOffice);
    expect(decideAs(snapshot, 'AUDIT_APPROVE', presidentsOffice)).toMatchObject({ verdict: 'not_now' });
  });
});
