import { ConflictException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../src/audit/audit-writer';
import { Database } from '../src/database/database';
import { FindingEntity } from '../src/findings/finding.entity';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

type Who = keyof Hospital['users'];
type Outcome = { findingId: string; status: number; finding?: { id: string; version: number; deadline: string; state: string }; error?: { message: string; details?: unknown } };

describe(`bulk events on a long list (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;

  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
    flow = new Flow(t, h);
  });

  afterAll(() => t.close());

  /** A finding from a problem list outside rounds, assigned to its department, led by the registering office. */
  async function registered(who: Who, extra: object = {}): Promise<string> {
    const body = {
      source: 'superior_inspection',
      roundType: 'administrative',
      title: '病历书写不规范 incomplete records',
      description: 'From the provincial inspection list',
      severity: 'minor',
      responsibleDepartmentId: h.departments.cardiology,
      ...extra,
    };
    return (await flow.as(who).post('/findings', body).expect(201)).body.id as string;
  }

  const bulk = (who: Who, findingIds: string[], event: object, headers: Record<string, string> = {}) => flow.as(who).post('/findings/bulk-events', { findingIds, event }, headers);

  async function count(sql: string, ...ids: string[]): Promise<number> {
    const placeholders = ids.map((_, i) => (onPostgres ? `$${i + 1}` : '?')).join(', ');
    const [row] = await t.dataSource.query(sql.replace('(:ids)', `(${placeholders})`), ids);
    return Number(row.n);
  }

  const auditEntriesOf = (event: string, ...ids: string[]) => count(`SELECT COUNT(*) AS n FROM audit_entries WHERE event = '${event}' AND "entityId" IN (:ids)`, ...ids);
  const versionOf = async (id: string) => (await flow.as('discipline').get(`/findings/${id}`).expect(200)).body.version as number;
  const verify = async () => (await flow.as('discipline').get('/audit/verify').expect(200)).body;
  const laterDate = () => flow.planDate(40);

  it('applies the event to each finding it may, and reports every refusal in its place without undoing the others', async () => {
    const accepted = [await registered('adminVerifier'), await registered('adminVerifier'), await registered('adminVerifier')];
    const withdrawn = await registered('adminVerifier');
    await flow.send('adminVerifier', withdrawn, { type: 'WITHDRAW', reason: 'Listed twice' });
    // Led by its round's lead, and by the Party office: the president's office sees them but may not set their deadlines.
    const { findingId: roundLed } = await flow.assignedFinding('administrative');
    const partyLed = await registered('partyVerifier', { roundType: 'party_building' });
    // Confidential: out of the president's office's sight, answered as if it did not exist.
    const integrity = await registered('discipline', { roundType: 'integrity' });
    const nonexistent = randomUUID();
    const refused = [withdrawn, roundLed, partyLed, integrity, nonexistent];
    const versionsBefore = await Promise.all([withdrawn, roundLed, partyLed, integrity].map(versionOf));
    const entriesBefore = (await t.counts()).audit_entries;

    const findingIds = [accepted[0], withdrawn, roundLed, accepted[1], partyLed, integrity, nonexistent, accepted[2]];
    const deadline = laterDate();
    const answer = await bulk('adminVerifier', findingIds, { type: 'SET_DEADLINE', deadline, reason: '上级督办 the inspection set new dates' }).expect(200);

    const outcomes = answer.body.outcomes as Outcome[];
    expect(outcomes.map((outcome) => [outcome.findingId, outcome.status])).toEqual([
      [accepted[0], 200],
      [withdrawn, 409],
      [roundLed, 403],
      [accepted[1], 200],
      [partyLed, 403],
      [integrity, 404],
      [nonexistent, 404],
      [accepted[2], 200],
    ]);
    expect(answer.body.counts).toEqual({ requested: 8, applied: 3, refused: 5 });
    for (const outcome of outcomes.filter((o) => o.status === 200)) {
      expect(outcome.finding).toMatchObject({ id: outcome.findingId, version: 3, state: 'assigned' });
      expect(outcome.finding!.deadline.startsWith(deadline)).toBe(true);
      expect(outcome.error).toBeUndefined();
    }
    expect(outcomes[1].error).toMatchObject({ details: { state: expect.objectContaining({ progress: 'withdrawn' }) } });
    expect(outcomes[2].error!.message).toBe('You may not send SET_DEADLINE to this finding');
    // Nothing tells an invisible finding from one that does not exist.
    expect(outcomes[5].error).toEqual({ message: `No finding ${integrity}` });
    expect(outcomes[6].error).toEqual({ message: `No finding ${nonexistent}` });
    expect(outcomes.filter((o) => o.status !== 200).every((o) => o.finding === undefined)).toBe(true);

    // One audited transition per accepted finding, none for the refused; the refused are as they were.
    expect((await t.counts()).audit_entries).toBe(entriesBefore + 3);
    expect(await auditEntriesOf('SET_DEADLINE', ...accepted)).toBe(3);
    expect(await auditEntriesOf('SET_DEADLINE', ...refused)).toBe(0);
    expect(await Promise.all([withdrawn, roundLed, partyLed, integrity].map(versionOf))).toEqual(versionsBefore);
    expect(await flow.auditEvents('findings', accepted[1])).toEqual(['REGISTER_FINDING', 'ASSIGN', 'SET_DEADLINE']);
    expect(await verify()).toMatchObject({ ok: true });
  });

  it('lets a department sign for its own findings in bulk; another department\'s are 404 to it', async () => {
    const ours = [await registered('adminVerifier'), await registered('adminVerifier')];
    const signed = await registered('adminVerifier');
    await flow.send('cardiologyStaff', signed, { type: 'ACKNOWLEDGE' });
    const theirs = await registered('adminVerifier', { responsibleDepartmentId: h.departments.surgery });

    const answer = await bulk('cardiologyStaff', [...ours, signed, theirs], { type: 'ACKNOWLEDGE', note: '已签收 received' }).expect(200);

    expect(answer.body.outcomes.map((o: Outcome) => o.status)).toEqual([200, 200, 409, 404]);
    expect(answer.body.outcomes[0].finding.receipt).toMatchObject({ state: 'acknowledged' });
    expect(await auditEntriesOf('ACKNOWLEDGE', ...ours)).toBe(2);
    expect(await auditEntriesOf('ACKNOWLEDGE', signed)).toBe(1);
    expect(await auditEntriesOf('ACKNOWLEDGE', theirs)).toBe(0);
  });

  it('answers 400 in each row when what the event references does not fit, and changes nothing', async () => {
    const ids = [await registered('adminVerifier'), await registered('adminVerifier')];
    const before = await t.counts();
    const answer = await bulk('adminVerifier', ids, { type: 'REASSIGN', departmentId: randomUUID(), reason: 'Belongs elsewhere' }).expect(200);
    expect(answer.body.counts).toEqual({ requested: 2, applied: 0, refused: 2 });
    for (const outcome of answer.body.outcomes as Outcome[]) {
      expect(outcome.status).toBe(400);
      expect(outcome.error!.details).toEqual([expect.objectContaining({ field: 'departmentId' })]);
    }
    expect(await t.counts()).toEqual(before);

    const reassigned = await bulk('adminVerifier', ids, { type: 'REASSIGN', departmentId: h.departments.surgery, responsiblePersonId: h.users.surgeryStaff.id, reason: 'Belongs elsewhere' }).expect(200);
    expect(reassigned.body.outcomes.map((o: Outcome & { finding: { responsibleDepartmentId: string } }) => [o.status, o.finding.responsibleDepartmentId])).toEqual([
      [200, h.departments.surgery],
      [200, h.departments.surgery],
    ]);
  });

  it('withdraws a list, leaving what is already settled refused as not possible now', async () => {
    const open = [await registered('adminVerifier'), await registered('adminVerifier')];
    const gone = await registered('adminVerifier');
    await flow.send('adminVerifier', gone, { type: 'WITHDRAW', reason: 'Duplicate' });
    const answer = await bulk('adminVerifier', [gone, ...open], { type: 'WITHDRAW', reason: '清单合并 lists merged' }).expect(200);
    expect(answer.body.outcomes.map((o: Outcome) => [o.status, o.finding?.state])).toEqual([
      [409, undefined],
      [200, 'withdrawn'],
      [200, 'withdrawn'],
    ]);
    expect(await auditEntriesOf('WITHDRAW', gone, ...open)).toBe(3);
  });

  describe('with an Idempotency-Key', () => {
    it('answers a retry as the first time and applies nothing again', async () => {
      const ids = [await registered('adminVerifier'), await registered('adminVerifier'), randomUUID()];
      const event = { type: 'SET_DEADLINE', deadline: laterDate(), reason: 'Retried over flaky Wi-Fi' };
      const before = await t.counts();
      const first = await bulk('adminVerifier', ids, event, { 'Idempotency-Key': 'bulk-retry-1' }).expect(200);
      expect(first.body.counts).toEqual({ requested: 3, applied: 2, refused: 1 });
      const afterFirst = await t.counts();
      expect(afterFirst).toMatchObject({ audit_entries: before.audit_entries + 2, idempotency_keys: before.idempotency_keys + 1 });

      const retry = await bulk('adminVerifier', ids, event, { 'Idempotency-Key': 'bulk-retry-1' }).expect(200);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      expect(await t.counts()).toEqual(afterFirst);
      expect(await auditEntriesOf('SET_DEADLINE', ...ids)).toBe(2);

      // The same key with another request is refused, not replayed.
      await bulk('adminVerifier', ids.slice(0, 1), event, { 'Idempotency-Key': 'bulk-retry-1' }).expect(422);
      expect(await t.counts()).toEqual(afterFirst);
    });

    it('applies a batch once when its retries race each other', async () => {
      const ids = await Promise.all(Array.from({ length: 20 }, () => registered('adminVerifier')));
      const event = { type: 'SET_DEADLINE', deadline: laterDate(), reason: 'Sent twice at once' };
      const before = await t.counts();
      const answers = await Promise.all([1, 2, 3].map(() => bulk('adminVerifier', ids, event, { 'Idempotency-Key': 'bulk-race-1' })));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
      expect(answers[1].body).toEqual(answers[0].body);
      expect(answers[2].body).toEqual(answers[0].body);
      expect(answers[0].body.counts).toEqual({ requested: 20, applied: 20, refused: 0 });
      expect(await t.counts()).toMatchObject({ audit_entries: before.audit_entries + 20, idempotency_keys: before.idempotency_keys + 1 });
      expect(await Promise.all(ids.map(versionOf))).toEqual(ids.map(() => 3));
      expect(await verify()).toMatchObject({ ok: true });
    });
  });

  describe('refuses a request that does not fit with 400 naming the field, and writes nothing', () => {
    const cases: [string, () => { findingIds: unknown; event: unknown }, string][] = [
      ['501 findings', () => ({ findingIds: Array.from({ length: 501 }, () => randomUUID()), event: { type: 'WITHDRAW', reason: 'x' } }), 'findingIds'],
      ['no finding', () => ({ findingIds: [], event: { type: 'WITHDRAW', reason: 'x' } }), 'findingIds'],
      ['a finding twice', () => { const id = randomUUID(); return { findingIds: [id, randomUUID(), id], event: { type: 'WITHDRAW', reason: 'x' } }; }, 'findingIds'],
      ['an id that is no UUID', () => ({ findingIds: ["1' OR '1'='1"], event: { type: 'WITHDRAW', reason: 'x' } }), 'findingIds'],
      ['an event not sent in bulk', () => ({ findingIds: [randomUUID()], event: { type: 'VERIFY_ACCEPT' } }), 'event.type'],
      ['an event of no known type', () => ({ findingIds: [randomUUID()], event: { type: '__proto__' } }), 'event.type'],
      ['an event without its reason', () => ({ findingIds: [randomUUID()], event: { type: 'SET_DEADLINE', deadline: '2099-01-01' } }), 'event.reason'],
      ['an event with a field it does not have', () => ({ findingIds: [randomUUID()], event: { type: 'ACKNOWLEDGE', state: 'closed' } }), 'event.state'],
      ['an event that is no object', () => ({ findingIds: [randomUUID()], event: 'WITHDRAW' }), 'event'],
      ['no event', () => ({ findingIds: [randomUUID()], event: undefined }), 'event'],
    ];
    it.each(cases)('%s', async (_, body, field) => {
      const before = await t.counts();
      const answer = await flow.as('adminVerifier').post('/findings/bulk-events', body()).expect(400);
      expect(answer.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      expect(await t.counts()).toEqual(before);
    });

    it('a text with U+0000 in the event, named where it sits', async () => {
      const answer = await bulk('adminVerifier', [randomUUID()], { type: 'WITHDRAW', reason: 'a\u0000b' }).expect(400);
      expect(answer.body.details).toEqual([{ field: 'event.reason', reason: 'must not contain the character U+0000' }]);
    });
  });

  it('rolls back a part that fails after writing, its audit entries with it, and commits the rest (Database.part)', async () => {
    const id = await registered('adminVerifier');
    const db = t.app.get(Database);
    const before = (await t.counts()).audit_entries;
    const facts = (event: string) => ({ at: new Date(), actorId: null, actorRole: 'system', entityType: 'finding' as const, entityId: id, event, payload: {} });
    await db.write(null, async (manager) => {
      const failed = db.part(manager, async () => {
        await manager.update(FindingEntity, { id }, { title: 'written, then rolled back' });
        appendAudit(manager, facts('ROLLED_BACK'));
        throw new ConflictException('refused after writing');
      });
      await expect(failed).rejects.toThrow('refused after writing');
      await db.part(manager, async () => appendAudit(manager, facts('KEPT')));
    });
    expect((await flow.as('discipline').get(`/findings/${id}`).expect(200)).body.title).not.toBe('written, then rolled back');
    expect((await t.counts()).audit_entries).toBe(before + 1);
    expect(await auditEntriesOf('ROLLED_BACK', id)).toBe(0);
    expect(await auditEntriesOf('KEPT', id)).toBe(1);
    expect(await verify()).toMatchObject({ ok: true });
  });

  describe('500 findings, the most one request takes', () => {
    let ids: string[] = [];

    beforeAll(async () => {
      // Registered ten at a time: the list an office imported.
      for (let i = 0; i < 50; i++) ids = [...ids, ...(await Promise.all(Array.from({ length: 10 }, () => registered('adminVerifier'))))];
    }, 120_000);

    it('extends every deadline in one request', async () => {
      const before = (await t.counts()).audit_entries;
      const answer = await bulk('adminVerifier', ids, { type: 'SET_DEADLINE', deadline: laterDate(), reason: '统一延期 one extension for the list' }).expect(200);
      expect(answer.body.counts).toEqual({ requested: 500, applied: 500, refused: 0 });
      expect(answer.body.outcomes.map((o: Outcome) => o.findingId)).toEqual(ids);
      expect((await t.counts()).audit_entries).toBe(before + 500);
    }, 60_000);

    it('leaves the audit chain whole', async () => {
      expect(await verify()).toMatchObject({ ok: true });
    });
  });
});
