import { addDays } from '../workflows';
import { AttachmentEntity } from '../src/attachments/attachment.entity';
import { Clock } from '../src/common/clock';
import { NotificationEntity } from '../src/notifications/notification.entity';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

type Finding = { id: string; state: string; followUp: { dueOn: string; scheduledBy: string } | null; relapses: number; deadline: string; availableEvents: string[] };

describe(`the follow-up check (回头看) (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  let now: Date;
  /** The hospital's today (Asia/Shanghai), as the service reads it. */
  const today = () => t.app.get(Clock).dateOf(now);

  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
    flow = new Flow(t, h);
    now = new Date('2026-11-02T02:00:00Z');
    jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => new Date(now));
  });

  afterAll(() => t.close());

  /**
   * A round's finding of `type` fixed and closed today: administrative ones verified by the
   * president's office, integrity ones by the discipline office; a closure audit by another
   * discipline-office user where one is needed (integrity, or critical).
   */
  async function closedFinding(type: 'administrative' | 'integrity', severity: 'critical' | 'major' | 'minor') {
    const { roundId, findingId } = await flow.assignedFinding(type, { severity });
    await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_PLAN', measures: '每日检查 daily checks', committedDate: flow.planDate() });
    await flow.submitEvidence('cardiologyStaff', findingId, '已整改 fixed');
    const accepted = await flow.send(type === 'integrity' ? 'discipline' : 'adminVerifier', findingId, { type: 'VERIFY_ACCEPT' });
    if (accepted.body.state === 'closure_audit') await flow.send(type === 'integrity' ? 'auditor' : 'discipline', findingId, { type: 'AUDIT_APPROVE' });
    const finding = (await flow.as('discipline').get(`/findings/${findingId}`).expect(200)).body as Finding;
    expect(finding.state).toBe('closed');
    return { roundId, findingId, finding };
  }

  async function queue(who: keyof Hospital['users'], due?: boolean): Promise<string[]> {
    const answer = await flow.as(who).get(`/follow-ups?limit=500${due === undefined ? '' : `&due=${due}`}`).expect(200);
    expect(answer.body.total).toBe(answer.body.items.length);
    return answer.body.items.map((finding: Finding) => finding.id);
  }

  const auditEntries = async (findingId: string) =>
    (await flow.as('discipline').get(`/findings/${findingId}/audit?limit=500`).expect(200)).body.items as { event: string; actorId: string; payload: Record<string, unknown> }[];

  it('schedules a check 30 days after a critical finding closes, queued for its lead office once due', async () => {
    now = new Date('2026-11-02T02:00:00Z');
    const { roundId, findingId, finding } = await closedFinding('administrative', 'critical');
    expect(finding.followUp).toEqual({ dueOn: addDays('2026-11-02', 30), scheduledBy: 'system' });
    expect(finding.followUp?.dueOn).toBe('2026-12-02');
    expect((await flow.as('lead').get(`/rounds/${roundId}`).expect(200)).body.state).toBe('completed');

    expect(await queue('adminVerifier')).toContain(findingId);
    expect(await queue('adminVerifier', false)).toContain(findingId);
    expect(await queue('adminVerifier', true)).not.toContain(findingId);

    now = new Date('2026-12-01T15:59:00Z'); // 23:59 on 1 December in the hospital: not yet
    expect(await queue('adminVerifier', true)).not.toContain(findingId);
    now = new Date('2026-12-01T16:00:00Z'); // midnight: 2 December
    expect(today()).toBe('2026-12-02');
    expect(await queue('adminVerifier', true)).toContain(findingId);
    expect(await queue('adminVerifier', false)).not.toContain(findingId);
    expect(await queue('discipline', true)).toContain(findingId);
    // The Party office records checks of its own type only.
    expect(await queue('partyVerifier')).not.toContain(findingId);

    const queued = (await flow.as('adminVerifier').get('/follow-ups?due=true&limit=500').expect(200)).body.items.find((f: Finding) => f.id === findingId);
    expect(queued).toMatchObject({ id: findingId, state: 'closed', followUp: { dueOn: '2026-12-02', scheduledBy: 'system' } });
    expect(queued.availableEvents).toEqual(expect.arrayContaining(['FOLLOW_UP_PASSED', 'FOLLOW_UP_FAILED', 'SCHEDULE_FOLLOW_UP']));
  });

  it('answers the queue sorted by due date, paged like every list', async () => {
    now = new Date('2026-11-03T02:00:00Z');
    const later = (await closedFinding('administrative', 'major')).findingId; // 60 days
    const sooner = (await closedFinding('administrative', 'critical')).findingId; // 30 days
    const all = await flow.as('adminVerifier').get('/follow-ups?limit=500').expect(200);
    const dueDates = all.body.items.map((f: Finding) => f.followUp!.dueOn);
    expect(dueDates).toEqual([...dueDates].sort());
    const ids = all.body.items.map((f: Finding) => f.id);
    expect(ids.indexOf(sooner)).toBeLessThan(ids.indexOf(later));
    expect(all.body.items.find((f: Finding) => f.id === later).followUp.dueOn).toBe('2027-01-02');

    const first = await flow.as('adminVerifier').get('/follow-ups?limit=1&offset=0').expect(200);
    expect(first.body).toMatchObject({ total: all.body.total, limit: 1, offset: 0 });
    expect(first.body.items.map((f: Finding) => f.id)).toEqual([ids[0]]);
    const second = await flow.as('adminVerifier').get('/follow-ups?limit=1&offset=1').expect(200);
    expect(second.body.items.map((f: Finding) => f.id)).toEqual([ids[1]]);
  });

  it('records a passed check with a photo: the check is cleared, the photo is the finding’s, and it is audited', async () => {
    now = new Date('2026-11-02T02:00:00Z');
    const { findingId } = await closedFinding('administrative', 'critical');
    now = new Date('2026-12-03T02:00:00Z');
    expect(await queue('adminVerifier', true)).toContain(findingId);

    const photo = await flow.upload('adminVerifier');
    const passed = await flow.send('adminVerifier', findingId, { type: 'FOLLOW_UP_PASSED', note: '回头看未反弹 still fixed', attachmentIds: [photo.id] });
    expect(passed.body).toMatchObject({ state: 'closed', followUp: null, relapses: 0 });
    const stored = await t.dataSource.manager.findOneByOrFail(AttachmentEntity, { id: photo.id });
    expect(stored.findingId).toBe(findingId);
    expect(stored.usedAt).not.toBeNull();
    expect(await queue('adminVerifier')).not.toContain(findingId);

    const entry = (await auditEntries(findingId)).at(-1)!;
    expect(entry).toMatchObject({ event: 'FOLLOW_UP_PASSED', actorId: h.users.adminVerifier.id, payload: { note: '回头看未反弹 still fixed' } });
    expect(entry.payload.attachments).toEqual([expect.objectContaining({ id: photo.id, sha256: photo.sha256 })]);
    // Nothing left to check: a second record is refused.
    await flow.send('adminVerifier', findingId, { type: 'FOLLOW_UP_PASSED' }, 409);
  });

  it('reopens a failed check (反弹) to rectifying with a new deadline: a relapse, the department told, the round reopened', async () => {
    now = new Date('2026-11-02T02:00:00Z');
    const { roundId, findingId } = await closedFinding('administrative', 'critical');
    now = new Date('2026-12-04T02:00:00Z');
    const photo = await flow.upload('adminVerifier');
    const deadline = addDays(today(), 14);

    await flow.send('adminVerifier', findingId, { type: 'FOLLOW_UP_FAILED', deadline }, 400);
    const tooEarly = await flow.send('adminVerifier', findingId, { type: 'FOLLOW_UP_FAILED', reason: 'x', deadline: addDays(today(), -1) }, 400);
    expect(tooEarly.body.details).toEqual([expect.objectContaining({ field: 'deadline' })]);

    const failed = await flow.send('adminVerifier', findingId, { type: 'FOLLOW_UP_FAILED', reason: '通道再次堵塞 blocked again', deadline, attachmentIds: [photo.id] });
    expect(failed.body).toMatchObject({ state: 'rectifying', timeliness: 'on_track', relapses: 1, followUp: null, closedAt: null, verification: null });
    expect(failed.body.deadline.slice(0, 10)).toBe(deadline);
    expect((await t.dataSource.manager.findOneByOrFail(AttachmentEntity, { id: photo.id })).findingId).toBe(findingId);

    const notices = await t.dataSource.manager.findBy(NotificationEntity, { findingId, type: 'follow_up_failed' });
    expect(notices.map((n) => n.recipientId)).toContain(h.users.cardiologyStaff.id);
    expect(notices[0].detail).toMatchObject({ event: 'FOLLOW_UP_FAILED' });

    const round = await flow.as('lead').get(`/rounds/${roundId}`).expect(200);
    expect(round.body.state).toBe('submitted');
    expect(await flow.auditEvents('rounds', roundId)).toContain('FINDING_REOPENED');
    expect((await auditEntries(findingId)).at(-1)).toMatchObject({ event: 'FOLLOW_UP_FAILED', actorId: h.users.adminVerifier.id, payload: { reason: '通道再次堵塞 blocked again' } });
    expect(await queue('adminVerifier')).not.toContain(findingId);

    // The department rectifies again; closing once more schedules the next check.
    await flow.submitEvidence('cardiologyStaff', findingId, '再次整改 fixed again');
    await flow.send('adminVerifier', findingId, { type: 'VERIFY_ACCEPT' });
    const closed = await flow.send('discipline', findingId, { type: 'AUDIT_APPROVE' });
    expect(closed.body).toMatchObject({ state: 'closed', relapses: 1, followUp: { dueOn: addDays(today(), 30) } });
  });

  it('schedules a check by hand on a minor finding, which closing does not', async () => {
    now = new Date('2026-11-02T02:00:00Z');
    const { findingId, finding } = await closedFinding('administrative', 'minor');
    expect(finding.followUp).toBeNull();
    expect(finding.availableEvents ?? []).not.toContain('FOLLOW_UP_PASSED');
    expect(await queue('adminVerifier')).not.toContain(findingId);

    const past = await flow.send('adminVerifier', findingId, { type: 'SCHEDULE_FOLLOW_UP', dueOn: '2026-11-01' }, 400);
    expect(past.body.details).toEqual([expect.objectContaining({ field: 'dueOn' })]);
    await flow.send('adminVerifier', findingId, { type: 'SCHEDULE_FOLLOW_UP', dueOn: '2026-11-31' }, 400);
    // Nothing scheduled: no check to pass.
    await flow.send('adminVerifier', findingId, { type: 'FOLLOW_UP_PASSED' }, 409);

    const scheduled = await flow.send('adminVerifier', findingId, { type: 'SCHEDULE_FOLLOW_UP', dueOn: '2026-11-20' });
    expect(scheduled.body).toMatchObject({ state: 'closed', followUp: { dueOn: '2026-11-20', scheduledBy: h.users.adminVerifier.id } });
    expect(await queue('adminVerifier', false)).toContain(findingId);
    expect(await queue('adminVerifier', true)).not.toContain(findingId);
    expect((await auditEntries(findingId)).at(-1)).toMatchObject({ event: 'SCHEDULE_FOLLOW_UP', actorId: h.users.adminVerifier.id, payload: { dueOn: '2026-11-20' } });
    now = new Date('2026-11-20T02:00:00Z');
    expect(await queue('adminVerifier', true)).toContain(findingId);
  });

  it('refuses the queue to other roles, the checks to other types’ verifiers and to departments, and a bad flag', async () => {
    now = new Date('2026-11-02T02:00:00Z');
    const { findingId } = await closedFinding('administrative', 'critical');
    for (const who of ['cardiologyStaff', 'lead', 'inspector', 'admin'] as const) await flow.as(who).get('/follow-ups').expect(403);
    const flag = await flow.as('adminVerifier').get('/follow-ups?due=yes').expect(400);
    expect(flag.body.details).toEqual([expect.objectContaining({ field: 'due' })]);

    const before = (await auditEntries(findingId)).length;
    for (const event of [
      { type: 'FOLLOW_UP_PASSED' },
      { type: 'FOLLOW_UP_FAILED', reason: 'x', deadline: addDays(today(), 10) },
      { type: 'SCHEDULE_FOLLOW_UP', dueOn: addDays(today(), 10) },
    ]) {
      await flow.send('partyVerifier', findingId, event, 403);
      await flow.send('cardiologyStaff', findingId, event, 403);
    }
    // Another verifier's photo is not this verifier's to use.
    const photo = await flow.upload('partyVerifier');
    const borrowed = await flow.send('adminVerifier', findingId, { type: 'FOLLOW_UP_PASSED', attachmentIds: [photo.id] }, 400);
    expect(borrowed.body.details).toEqual([expect.objectContaining({ field: 'attachmentIds[0]' })]);
    expect(await auditEntries(findingId)).toHaveLength(before);
  });

  it('keeps integrity follow-ups out of the administrative verifier’s queue and sight', async () => {
    now = new Date('2026-11-02T02:00:00Z');
    const { findingId, finding } = await closedFinding('integrity', 'major');
    expect(finding.followUp).toEqual({ dueOn: '2027-01-01', scheduledBy: 'system' });
    now = new Date('2027-01-02T02:00:00Z');
    expect(await queue('discipline', true)).toContain(findingId);
    for (const who of ['adminVerifier', 'partyVerifier'] as const) {
      expect(await queue(who)).not.toContain(findingId);
      await flow.as(who).get(`/findings/${findingId}`).expect(404);
      await flow.send(who, findingId, { type: 'FOLLOW_UP_PASSED' }, 404);
    }
    const passed = await flow.send('discipline', findingId, { type: 'FOLLOW_UP_PASSED', note: '未反弹' });
    expect(passed.body.followUp).toBeNull();
    expect((await auditEntries(findingId)).at(-1)).toMatchObject({ event: 'FOLLOW_UP_PASSED', actorId: h.users.discipline.id });
  });
});
