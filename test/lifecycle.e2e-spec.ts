import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../src/audit/audit-writer';
import { AppConfig } from '../src/config/app-config';
import { Database } from '../src/database/database';
import { RowMapper } from '../src/database/row-mapper';
import { FindingEntity } from '../src/findings/finding.entity';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

describe(`finding lifecycle over HTTP (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;

  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
    flow = new Flow(t, h);
  });

  afterAll(() => t.close());

  describe('the whole life of a finding', () => {
    it('administrative: rejected once, then accepted and closed; the round completes', async () => {
      const { roundId, findingId } = await flow.assignedFinding('administrative');
      const assigned = await flow.as('cardiologyStaff').get(`/findings/${findingId}`).expect(200);
      // A date alone is the end of that day in the hospital's time zone.
      expect(assigned.body).toMatchObject({ state: 'assigned', deadline: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T23:59:59\.999\+08:00$/), version: 2 });
      expect(assigned.body.availableEvents).toEqual(['ACKNOWLEDGE', 'DISPUTE', 'REQUEST_EXTENSION', 'SUBMIT_PLAN']);

      await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_PLAN', measures: '每周检查 weekly checks', committedDate: assigned.body.deadline.slice(0, 10) });
      await flow.submitEvidence('cardiologyStaff', findingId, 'replaced');
      const rejected = await flow.send('adminVerifier', findingId, { type: 'VERIFY_REJECT', reason: 'photo missing' });
      expect(rejected.body).toMatchObject({ state: 'rectifying', rejections: 1 });
      await flow.submitEvidence('cardiologyStaff', findingId, 'photo attached');
      const closed = await flow.send('adminVerifier', findingId, { type: 'VERIFY_ACCEPT', note: 'ok' });
      expect(closed.body).toMatchObject({ state: 'closed', closedAt: expect.any(String) });

      const round = await flow.as('lead').get(`/rounds/${roundId}`).expect(200);
      expect(round.body).toMatchObject({ state: 'completed', availableEvents: [] });
      expect(await flow.auditEvents('findings', findingId)).toEqual([
        'LOG_FINDING', 'ASSIGN', 'SUBMIT_PLAN', 'SUBMIT_EVIDENCE', 'VERIFY_REJECT', 'SUBMIT_EVIDENCE', 'VERIFY_ACCEPT',
      ]);
      expect(await flow.auditEvents('rounds', roundId)).toEqual(['PLAN', 'START', 'RECORD_RESULT', 'LOG_FINDING', 'SUBMIT', 'COMPLETE']);
    });

    it('party-building: disputed, reassigned, upheld after a second dispute, then closed', async () => {
      const roundId = await flow.startedRound('party_building');
      const findingId = await flow.logFinding(roundId, 'party_building', { title: '三会一课记录不全 branch meetings not minuted' });
      await flow.as('lead').post(`/rounds/${roundId}/events`, { type: 'SUBMIT' }).expect(200);

      await flow.send('cardiologyStaff', findingId, { type: 'DISPUTE', reason: 'the surgery branch holds these meetings' });
      const reassigned = await flow.send('lead', findingId, { type: 'REASSIGN', departmentId: h.departments.surgery, reason: 'agreed' });
      expect(reassigned.body).toMatchObject({ state: 'assigned', responsibleDepartmentId: h.departments.surgery });
      await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_PLAN', measures: 'x', committedDate: flow.planDate() }, 404);
      await flow.send('surgeryStaff', findingId, { type: 'DISPUTE', reason: 'not ours either' });
      const upheld = await flow.send('lead', findingId, { type: 'UPHOLD', reason: 'it is yours' });
      expect(upheld.body.state).toBe('assigned');
      await flow.send('surgeryStaff', findingId, { type: 'SUBMIT_PLAN', measures: '补记会议记录', committedDate: flow.planDate() });
      await flow.submitEvidence('surgeryStaff', findingId, 'minutes filed');
      await flow.send('adminVerifier', findingId, { type: 'VERIFY_ACCEPT' }, 403);
      const closed = await flow.send('partyVerifier', findingId, { type: 'VERIFY_ACCEPT' });
      expect(closed.body.state).toBe('closed');
    });

    it('integrity: closure audit rejected then approved, reopened, and closed again', async () => {
      const { findingId, roundId } = await flow.assignedFinding('integrity');
      await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_PLAN', measures: '退还红包 return the envelope', committedDate: flow.planDate() });
      await flow.submitEvidence('cardiologyStaff', findingId, 'receipt');
      const audited = await flow.send('discipline', findingId, { type: 'VERIFY_ACCEPT' });
      // The one who accepted is not offered the approval: another discipline-office user approves (separation of duties).
      expect(audited.body).toMatchObject({ state: 'closure_audit', availableEvents: ['AUDIT_REJECT', 'TRANSFER'] });
      await flow.send('discipline', findingId, { type: 'AUDIT_REJECT', reason: 'receipt unsigned' });
      await flow.submitEvidence('cardiologyStaff', findingId, 'signed receipt');
      await flow.send('discipline', findingId, { type: 'VERIFY_ACCEPT' });
      expect((await flow.send('auditor', findingId, { type: 'AUDIT_APPROVE' })).body.state).toBe('closed');
      expect((await flow.as('lead').get(`/rounds/${roundId}`)).body.state).toBe('completed');

      const reopened = await flow.send('discipline', findingId, { type: 'REOPEN', reason: 'recurred at the next visit' });
      expect(reopened.body).toMatchObject({ state: 'rectifying', reopenCount: 1, closedAt: null });
      expect((await flow.as('lead').get(`/rounds/${roundId}`)).body.state).toBe('submitted');
      await flow.submitEvidence('cardiologyStaff', findingId, 'fixed again');
      await flow.send('discipline', findingId, { type: 'VERIFY_ACCEPT' });
      await flow.send('auditor', findingId, { type: 'AUDIT_APPROVE' });
      expect((await flow.as('lead').get(`/rounds/${roundId}`)).body.state).toBe('completed');
      expect(await flow.auditEvents('rounds', roundId)).toEqual([
        'PLAN', 'START', 'RECORD_RESULT', 'LOG_FINDING', 'SUBMIT', 'COMPLETE', 'FINDING_REOPENED', 'COMPLETE',
      ]);
    });

    it('a critical administrative finding also needs the closure audit', async () => {
      const { findingId } = await flow.assignedFinding('administrative', { severity: 'critical' });
      await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_PLAN', measures: 'm', committedDate: flow.planDate() });
      await flow.submitEvidence('cardiologyStaff', findingId, 'n');
      expect((await flow.send('adminVerifier', findingId, { type: 'VERIFY_ACCEPT' })).body.state).toBe('closure_audit');
    });

    it('withdraw by the round lead, and transfer of an integrity finding to case handling', async () => {
      const { findingId: withdrawn } = await flow.assignedFinding('administrative');
      await flow.send('otherLead', withdrawn, { type: 'WITHDRAW', reason: 'x' }, 403);
      expect((await flow.send('lead', withdrawn, { type: 'WITHDRAW', reason: 'logged twice' })).body.state).toBe('withdrawn');

      const { findingId: administrative } = await flow.assignedFinding('administrative');
      await flow.send('discipline', administrative, { type: 'TRANSFER', reason: 'x' }, 409);
      const { findingId: integrity, roundId } = await flow.assignedFinding('integrity');
      expect((await flow.send('discipline', integrity, { type: 'TRANSFER', reason: 'kickbacks: case opened' })).body.state).toBe('transferred');
      expect((await flow.as('lead').get(`/rounds/${roundId}`)).body.state).toBe('completed');
    });

    it('cancelling a round withdraws its findings', async () => {
      const roundId = await flow.startedRound('administrative');
      const findingId = await flow.logFinding(roundId, 'administrative');
      const cancelled = await flow.as('lead').post(`/rounds/${roundId}/events`, { type: 'CANCEL', reason: 'ward closed' }).expect(200);
      expect(cancelled.body.state).toBe('cancelled');
      expect((await flow.as('lead').get(`/findings/${findingId}`)).body.state).toBe('withdrawn');
    });

    it('extension: requested, approved with a later deadline', async () => {
      const { findingId } = await flow.assignedFinding('administrative');
      const before = (await flow.as('cardiologyStaff').get(`/findings/${findingId}`)).body;
      await flow.send('cardiologyStaff', findingId, { type: 'REQUEST_EXTENSION', reason: 'parts', proposedDeadline: before.deadline }, 400);
      await flow.send('cardiologyStaff', findingId, { type: 'REQUEST_EXTENSION', reason: 'parts on order', proposedDeadline: '2027-03-01' });
      await flow.send('cardiologyStaff', findingId, { type: 'REQUEST_EXTENSION', reason: 'again', proposedDeadline: '2027-04-01' }, 409);
      const approved = await flow.send('adminVerifier', findingId, { type: 'APPROVE_EXTENSION' });
      expect(approved.body).toMatchObject({ extension: { state: 'approved', count: 1, limit: 2 }, deadline: '2027-03-01T23:59:59.999+08:00', timeliness: 'on_track' });
    });
  });

  describe('who may act', () => {
    it('refuses the wrong role (guard) and the wrong department (machine) with 403, other departments get 404', async () => {
      const { findingId } = await flow.assignedFinding('administrative');
      await flow.send('inspector', findingId, { type: 'DISPUTE', reason: 'x' }, 403);
      await flow.send('adminVerifier', findingId, { type: 'SUBMIT_PLAN', measures: 'm', committedDate: flow.planDate() }, 403);
      await flow.send('surgeryStaff', findingId, { type: 'DISPUTE', reason: 'x' }, 404);
      await flow.as('admin').post(`/findings/${findingId}/events`, { type: 'WITHDRAW', reason: 'x' }).expect(403);
      await flow.as('otherLead').post('/rounds', {}).expect(400);
      expect(await flow.auditEvents('findings', findingId)).toEqual(['LOG_FINDING', 'ASSIGN']);
    });

    it('answers 409 with the caller\'s available events when the state does not take the event', async () => {
      const { findingId } = await flow.assignedFinding('administrative');
      const refused = await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_EVIDENCE', note: 'early' }, 409);
      expect(refused.body).toEqual({
        statusCode: 409,
        error: 'Conflict',
        message: expect.stringContaining('SUBMIT_EVIDENCE'),
        details: { state: { progress: { open: 'assigned' }, timeliness: 'on_track', extension: 'none', receipt: 'unacknowledged' }, availableEvents: ['ACKNOWLEDGE', 'DISPUTE', 'REQUEST_EXTENSION', 'SUBMIT_PLAN'] },
      });
    });

    it('shows department staff only their own department\'s findings, whatever the filter', async () => {
      await flow.assignedFinding('administrative');
      const own = await flow.as('surgeryStaff').get(`/findings?responsibleDepartmentId=${h.departments.cardiology}`).expect(200);
      expect(own.body).toMatchObject({ items: [], total: 0 });
      const cardiology = await flow.as('cardiologyStaff').get('/findings?limit=500').expect(200);
      expect(cardiology.body.total).toBeGreaterThan(0);
      expect(cardiology.body.items.every((f: { responsibleDepartmentId: string }) => f.responsibleDepartmentId === h.departments.cardiology)).toBe(true);
    });

    it('keeps integrity findings from people outside the case', async () => {
      const { findingId } = await flow.assignedFinding('integrity');
      await flow.as('admin').get(`/findings/${findingId}`).expect(404);
      await flow.as('adminVerifier').get(`/findings/${findingId}`).expect(404);
      await flow.as('surgeryStaff').get(`/findings/${findingId}/audit`).expect(404);
      await flow.as('cardiologyStaff').get(`/findings/${findingId}`).expect(200);
      await flow.as('inspector').get(`/findings/${findingId}`).expect(200);
      const listed = await flow.as('admin').get('/findings?roundType=integrity').expect(200);
      expect(listed.body.total).toBe(0);
    });
  });

  describe('concurrency and retries', () => {
    it('honours If-Match: a stale version gets 412 and changes nothing', async () => {
      const { findingId } = await flow.assignedFinding('administrative');
      const plan = { type: 'SUBMIT_PLAN', measures: 'm', committedDate: flow.planDate() };
      const stale = await flow.as('cardiologyStaff').post(`/findings/${findingId}/events`, plan, { 'If-Match': '1' }).expect(412);
      expect(stale.body).toMatchObject({ statusCode: 412, details: { version: 2 } });
      await flow.as('cardiologyStaff').post(`/findings/${findingId}/events`, plan, { 'If-Match': '"2"' }).expect(200);
      expect(await flow.auditEvents('findings', findingId)).toEqual(['LOG_FINDING', 'ASSIGN', 'SUBMIT_PLAN']);
    });

    it('of 20 conflicting events sent at once, exactly one wins and one audit entry is written', async () => {
      const { findingId } = await flow.assignedFinding('administrative');
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          flow.as('cardiologyStaff').post(`/findings/${findingId}/events`, { type: 'DISPUTE', reason: `attempt ${i}` }),
        ),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([200, ...Array(19).fill(409)]);
      expect(await flow.auditEvents('findings', findingId)).toEqual(['LOG_FINDING', 'ASSIGN', 'DISPUTE']);
      expect((await flow.as('lead').get(`/findings/${findingId}`)).body.version).toBe(3);
    });

    it('writes a versioned update and its audit entry together or not at all', async () => {
      const { findingId } = await flow.assignedFinding('administrative');
      const before = await t.counts();
      const attempt = t.app.get(Database).write(null, async (manager) => {
        const findings = RowMapper.of(manager, FindingEntity);
        const loaded = (await findings.findById(manager, findingId))!;
        // As if another writer had moved the finding on since it was loaded.
        const stale = Object.assign(new FindingEntity(), loaded, { version: loaded.version - 1 });
        appendAudit(manager, {
          at: new Date(), actorId: 'test', actorRole: 'system', entityType: 'finding', entityId: findingId,
          event: 'DISPUTE', payload: {}, from: 'assigned', to: 'disputed',
        });
        expect(await findings.updateAtVersion(manager, stale, { state: 'disputed' })).toBe(false);
        throw new Error('the finding changed meanwhile');
      });
      await expect(attempt).rejects.toThrow('the finding changed meanwhile');
      expect(await t.counts()).toEqual(before);
      expect((await flow.as('lead').get(`/findings/${findingId}`)).body).toMatchObject({ state: 'assigned', version: 2 });
    });

    it('fails the whole unit of work when an update written without waiting finds the version moved (PostgreSQL), as the answer does on SQLite', async () => {
      const { findingId } = await flow.assignedFinding('administrative');
      const before = await t.counts();
      const attempt = t.app.get(Database).write(null, async (manager) => {
        const findings = RowMapper.of(manager, FindingEntity);
        const loaded = (await findings.findById(manager, findingId, { lock: true }))!;
        // What the row's lock rules out: a version other than the one loaded.
        const stale = Object.assign(new FindingEntity(), loaded, { version: loaded.version - 1 });
        appendAudit(manager, {
          at: new Date(), actorId: 'test', actorRole: 'system', entityType: 'finding', entityId: findingId,
          event: 'DISPUTE', payload: {}, from: 'assigned', to: 'disputed',
        });
        if (!(await findings.updateAtVersion(manager, stale, { state: 'disputed' }, { locked: true }))) throw new Error('the finding changed meanwhile');
      });
      await expect(attempt).rejects.toThrow(onPostgres ? /division by zero/ : /the finding changed meanwhile/);
      expect(await t.counts()).toEqual(before);
      expect((await flow.as('lead').get(`/findings/${findingId}`)).body).toMatchObject({ state: 'assigned', version: 2 });
    });

    it('replays a retried POST with the same Idempotency-Key once, and refuses the key with another body', async () => {
      const { findingId } = await flow.assignedFinding('administrative');
      const key = { 'Idempotency-Key': randomUUID() };
      const plan = { type: 'SUBMIT_PLAN', measures: 'm', committedDate: flow.planDate() };
      const first = await flow.as('cardiologyStaff').post(`/findings/${findingId}/events`, plan, key).expect(200);
      const retries = await Promise.all([1, 2, 3].map(() => flow.as('cardiologyStaff').post(`/findings/${findingId}/events`, plan, key)));
      for (const retry of retries) {
        expect(retry.status).toBe(200);
        expect(retry.body).toEqual(first.body);
      }
      await flow.as('cardiologyStaff').post(`/findings/${findingId}/events`, { ...plan, measures: 'other' }, key).expect(422);
      expect(await flow.auditEvents('findings', findingId)).toEqual(['LOG_FINDING', 'ASSIGN', 'SUBMIT_PLAN']);
    });

    it('creates a finding once when a tablet retries with its own id, with or without a key', async () => {
      const roundId = await flow.startedRound('administrative');
      const id = randomUUID();
      const first = await flow.logFinding(roundId, 'administrative', { id });
      const again = await flow.logFinding(roundId, 'administrative', { id });
      expect(again).toBe(first);
      const key = { 'Idempotency-Key': `tablet-7:${id}` };
      const body = { roundType: 'administrative', title: 't', description: 'd', severity: 'minor', responsibleDepartmentId: h.departments.cardiology };
      const keyed = await flow.as('inspector').post(`/rounds/${roundId}/findings`, body, key).expect(201);
      const replayed = await flow.as('inspector').post(`/rounds/${roundId}/findings`, body, key).expect(201);
      expect(replayed.body.id).toBe(keyed.body.id);
      await flow.as('inspector').post(`/rounds/${roundId}/findings`, { ...body, id, title: 'changed' }).expect(409);
      const listed = await flow.as('lead').get(`/findings?roundId=${roundId}`).expect(200);
      expect(listed.body.total).toBe(2);

      // The tablet sends its id and a key together; a retry after the round moved on still gets the first answer.
      const tabletId = randomUUID();
      const tablet = { 'Idempotency-Key': tabletId };
      const sent = await flow.as('inspector').post(`/rounds/${roundId}/findings`, { ...body, id: tabletId }, tablet).expect(201);
      await flow.as('lead').post(`/rounds/${roundId}/events`, { type: 'SUBMIT' }).expect(200);
      const retried = await flow.as('inspector').post(`/rounds/${roundId}/findings`, { ...body, id: tabletId }, tablet).expect(201);
      expect(retried.headers['idempotent-replayed']).toBe('true');
      expect(retried.body).toEqual(sent.body);
      await flow.as('inspector').post(`/rounds/${roundId}/findings`, { ...body, id: tabletId, title: 'other' }, tablet).expect(422);
    });

    it('takes the round type from a round of one type, and asks for it in a joint round', async () => {
      const body = { title: 't', description: 'd', severity: 'minor', responsibleDepartmentId: h.departments.cardiology };
      const single = await flow.startedRound('party_building');
      const id = randomUUID();
      const logged = await flow.as('inspector').post(`/rounds/${single}/findings`, { ...body, id }).expect(201);
      expect(logged.body).toMatchObject({ id, roundType: 'party_building', state: 'reported' });
      // A retry of the same finding, with the type now spelled out, is the same finding.
      await flow.as('inspector').post(`/rounds/${single}/findings`, { ...body, id, roundType: 'party_building' }).expect(201);

      const plan = { types: ['administrative', 'party_building'], departmentId: h.departments.cardiology, scheduledFor: '2026-11-24', leadId: h.users.lead.id, teamMemberIds: [h.users.inspector.id] };
      const joint = (await flow.as('lead').post('/rounds', plan).expect(201)).body.id;
      await flow.as('lead').post(`/rounds/${joint}/events`, { type: 'START' }).expect(200);
      const before = await t.counts();
      const refused = await flow.as('inspector').post(`/rounds/${joint}/findings`, body).expect(400);
      expect(refused.body.details).toEqual([{ field: 'roundType', reason: 'is required for a joint round: one of administrative, party_building' }]);
      expect(await t.counts()).toEqual(before);
      // Nor is a finding logged in it retried without its type.
      const jointId = randomUUID();
      await flow.as('inspector').post(`/rounds/${joint}/findings`, { ...body, id: jointId, roundType: 'administrative' }).expect(201);
      const retry = await flow.as('inspector').post(`/rounds/${joint}/findings`, { ...body, id: jointId }).expect(400);
      expect(retry.body.details).toEqual([{ field: 'roundType', reason: 'is required for a joint round: one of administrative, party_building' }]);
    });
  });

  describe('bad input', () => {
    let findingId: string;
    let roundId: string;
    beforeAll(async () => {
      ({ findingId, roundId } = await flow.assignedFinding('administrative'));
    });

    const cases: [name: string, who: 'cardiologyStaff' | 'inspector' | 'lead', path: () => string, body: unknown, status: number, field: string | null][] = [
      ['unknown event type', 'cardiologyStaff', () => `/findings/${findingId}/events`, { type: 'FLY' }, 400, 'type'],
      ['missing type', 'cardiologyStaff', () => `/findings/${findingId}/events`, { reason: 'x' }, 400, 'type'],
      ['body not an object', 'cardiologyStaff', () => `/findings/${findingId}/events`, [1, 2], 400, 'body'],
      ['empty measures', 'cardiologyStaff', () => `/findings/${findingId}/events`, { type: 'SUBMIT_PLAN', measures: '', committedDate: '2099-01-01' }, 400, 'measures'],
      ['measures too long', 'cardiologyStaff', () => `/findings/${findingId}/events`, { type: 'SUBMIT_PLAN', measures: 'x'.repeat(4001), committedDate: '2099-01-01' }, 400, 'measures'],
      ['date in the wrong format', 'cardiologyStaff', () => `/findings/${findingId}/events`, { type: 'SUBMIT_PLAN', measures: 'm', committedDate: '30/11/2026' }, 400, 'committedDate'],
      ['impossible date', 'cardiologyStaff', () => `/findings/${findingId}/events`, { type: 'SUBMIT_PLAN', measures: 'm', committedDate: '2026-02-30' }, 400, 'committedDate'],
      ['committed date after the deadline', 'cardiologyStaff', () => `/findings/${findingId}/events`, { type: 'SUBMIT_PLAN', measures: 'm', committedDate: '2099-01-01' }, 400, 'committedDate'],
      ['dispute without a reason', 'cardiologyStaff', () => `/findings/${findingId}/events`, { type: 'DISPUTE' }, 400, 'reason'],
      ['server-owned field', 'cardiologyStaff', () => `/findings/${findingId}/events`, { type: 'DISPUTE', reason: 'x', state: 'closed' }, 400, 'state'],
      ['wrong type', 'cardiologyStaff', () => `/findings/${findingId}/events`, { type: 'DISPUTE', reason: 42 }, 400, 'reason'],
      ['finding id not a UUID', 'cardiologyStaff', () => '/findings/nope/events', { type: 'DISPUTE', reason: 'x' }, 400, 'id'],
      ['unknown finding', 'cardiologyStaff', () => `/findings/${randomUUID()}/events`, { type: 'DISPUTE', reason: 'x' }, 404, null],
      ['unknown round', 'inspector', () => `/rounds/${randomUUID()}/findings`, { roundType: 'administrative', title: 't', description: 'd', severity: 'minor', responsibleDepartmentId: randomUUID() }, 404, null],
      ['unknown department', 'inspector', () => `/rounds/${roundId}/findings`, { roundType: 'administrative', title: 't', description: 'd', severity: 'minor', responsibleDepartmentId: randomUUID() }, 400, 'responsibleDepartmentId'],
      ['bad severity', 'inspector', () => `/rounds/${roundId}/findings`, { roundType: 'administrative', title: 't', description: 'd', severity: 'huge', responsibleDepartmentId: randomUUID() }, 400, 'severity'],
      ['round type not planned', 'lead', () => '/rounds', { types: ['golf'], departmentId: randomUUID(), scheduledFor: '2026-11-24', leadId: randomUUID(), teamMemberIds: [] }, 400, 'types'],
      ['round lead unknown', 'lead', () => '/rounds', { types: ['integrity'], departmentId: randomUUID(), scheduledFor: '2026-11-24', leadId: randomUUID(), teamMemberIds: [] }, 400, 'leadId'],
      ['version on create', 'lead', () => '/rounds', { types: ['integrity'], departmentId: randomUUID(), scheduledFor: '2026-11-24', leadId: randomUUID(), teamMemberIds: [], version: 3 }, 400, 'version'],
    ];

    it.each(cases)('%s: refused, naming the field, writing nothing', async (_name, who, path, body, status, field) => {
      const before = await t.counts();
      const response = await flow.as(who).post(path(), body as object).expect(status);
      expect(response.body).toMatchObject({ statusCode: status, error: expect.any(String), message: expect.any(String) });
      if (field) expect(response.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      expect(await t.counts()).toEqual(before);
    });

    it('malformed JSON → 400, stale round event → 409, bad If-Match → 400', async () => {
      const token = h.users.cardiologyStaff.token;
      const malformed = await t.http
        .post(`/findings/${findingId}/events`)
        .set({ Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' })
        .send('{"type": "DISPUTE",')
        .expect(400);
      expect(malformed.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      await flow.as('lead').post(`/rounds/${roundId}/events`, { type: 'START' }).expect(409);
      await flow.as('cardiologyStaff').post(`/findings/${findingId}/events`, { type: 'DISPUTE', reason: 'x' }, { 'If-Match': 'abc' }).expect(400);
      await flow.as('cardiologyStaff').get('/findings?overdue=maybe&limit=9999').expect(400);
    });

    it('requires a token everywhere but /health and the docs', async () => {
      await t.http.get('/findings').expect(401);
      await t.http.get('/findings').set('Authorization', 'Bearer not-a-token').expect(401);
      await t.http.get('/health').expect(200);
      await t.http.get('/docs/openapi.json').expect(200);
      await t.http.post('/auth/login').send({ username: 'admin', password: 'wrong-password' }).expect(401);
    });

    it('keeps refusing a token once it expires or its user revokes it, though it was accepted before', async () => {
      const { id } = h.users.inspector;
      const signer = new JwtService({ secret: t.app.get(AppConfig).jwtSecret });
      const { sid } = signer.decode<{ sid: string }>(h.users.inspector.token);
      const signed = (exp: number) => signer.sign({ sub: id, ver: 0, sid, exp });
      const now = Math.floor(Date.now() / 1000);
      await t.http.get('/findings').set('Authorization', `Bearer ${signed(now - 1)}`).expect(401);

      // Seconds ahead, not one: `now` is rounded down, and a busy machine may take most of a second to answer.
      const shortLived = signed(now + 3);
      await t.http.get('/findings').set('Authorization', `Bearer ${shortLived}`).expect(200);
      await new Promise((resolve) => setTimeout(resolve, (now + 3) * 1000 - Date.now() + 50));
      await t.http.get('/findings').set('Authorization', `Bearer ${shortLived}`).expect(401);

      const token = await t.login('inspector');
      await t.http.get('/findings').set('Authorization', `Bearer ${token}`).expect(200);
      await t.dataSource.query(`UPDATE users SET "tokenVersion" = 1 WHERE id = '${id}'`);
      const revoked = await t.http.get('/findings').set('Authorization', `Bearer ${token}`).expect(401);
      expect(revoked.body.message).toBe('The token has been revoked');
      await t.dataSource.query(`UPDATE users SET "tokenVersion" = 0 WHERE id = '${id}'`);
    });
  });

  describe('the audit log', () => {
    it('cannot be changed or emptied, even with the service\'s own database credentials', async () => {
      const { findingId } = await flow.assignedFinding('administrative');
      const [before] = await t.dataSource.query(`SELECT COUNT(*) AS n FROM audit_entries`);
      const attempts = [
        `UPDATE audit_entries SET "event" = 'VERIFY_ACCEPT' WHERE "entityId" = '${findingId}'`,
        `DELETE FROM audit_entries WHERE "entityId" = '${findingId}'`,
        onPostgres ? 'TRUNCATE audit_entries' : 'DELETE FROM audit_entries',
      ];
      for (const sql of attempts) {
        await expect(t.dataSource.query(sql)).rejects.toThrow(/audit entries are append-only/);
      }
      const [after] = await t.dataSource.query(`SELECT COUNT(*) AS n FROM audit_entries`);
      expect(Number(after.n)).toBe(Number(before.n));
      expect(await flow.auditEvents('findings', findingId)).toEqual(['LOG_FINDING', 'ASSIGN']);
    });
  });

  describe('stored snapshots', () => {
    it('refuses, loudly and without writing, a snapshot stored by a machine version it does not know', async () => {
      const { findingId } = await flow.assignedFinding('administrative');
      await t.dataSource.query(`UPDATE findings SET "workflowVersion" = 99 WHERE id = '${findingId}'`);
      const before = await t.counts();
      const refused = await flow.send('cardiologyStaff', findingId, { type: 'DISPUTE', reason: 'x' }, 500);
      expect(refused.body.message).toMatch(/No workflow "finding" at version 99 is known to this service/);
      const read = await flow.as('cardiologyStaff').get(`/findings/${findingId}`).expect(500);
      expect(read.body.message).toMatch(/version 99/);
      expect(await t.counts()).toEqual(before);
    });
  });

  describe('reading', () => {
    it('lists findings sorted by deadline with the paging envelope, and the audit log with filters', async () => {
      const list = await flow.as('lead').get('/findings?limit=3&offset=0').expect(200);
      expect(list.body).toMatchObject({ limit: 3, offset: 0, total: expect.any(Number) });
      const deadlines = list.body.items.map((f: { deadline: string | null }) => f.deadline ?? '9999');
      expect([...deadlines].sort()).toEqual(deadlines);
      const audit = await flow.as('discipline').get(`/audit?actorId=system&entityType=round&from=2000-01-01T00:00:00Z`).expect(200);
      expect(audit.body.total).toBeGreaterThan(0);
      expect(audit.body.items.every((e: { actorId: string; actorRole: string }) => e.actorId === 'system' && e.actorRole === 'system')).toBe(true);
      const entry = audit.body.items[0];
      expect(Object.keys(entry).sort()).toEqual(['actorId', 'actorRole', 'at', 'entityId', 'entityType', 'event', 'from', 'payload', 'requestId', 'seq', 'to', 'withheld'].sort());
      await flow.as('cardiologyStaff').get('/audit').expect(403);
    });

    it("records the client's X-Request-Id on every audit entry a request causes, cascades included", async () => {
      const roundId = await flow.startedRound('administrative');
      const findingIds = [await flow.logFinding(roundId, 'administrative'), await flow.logFinding(roundId, 'administrative')];
      await flow.as('lead').post(`/rounds/${roundId}/events`, { type: 'SUBMIT' }, { 'X-Request-Id': 'tablet-7-submit-1' }).expect(200);
      const trails = await Promise.all([
        flow.as('discipline').get(`/rounds/${roundId}/audit`).expect(200),
        ...findingIds.map((id) => flow.as('discipline').get(`/findings/${id}/audit`).expect(200)),
      ]);
      const entries: { entityId: string; event: string; requestId: string }[] = trails.flatMap((trail) => trail.body.items);
      const caused = entries.filter((e) => e.requestId === 'tablet-7-submit-1');
      expect(caused.map((e) => `${e.entityId} ${e.event}`).sort()).toEqual(
        [`${roundId} SUBMIT`, ...findingIds.map((id) => `${id} ASSIGN`)].sort(),
      );
      // PLAN, START, RECORD_RESULT and each LOG_FINDING came in requests of their own.
      const others = entries.filter((e) => e.entityId === roundId && e.requestId !== 'tablet-7-submit-1');
      expect(others.map((e) => e.event)).toEqual(['PLAN', 'START', 'RECORD_RESULT', 'LOG_FINDING', 'LOG_FINDING']);
      expect(new Set(others.map((e) => e.requestId)).size).toBe(others.length);
    });

    it('describes its workflows with Mermaid diagrams', async () => {
      const workflows = await flow.as('inspector').get('/workflows').expect(200);
      expect(workflows.body.map((w: { id: string; version: number }) => `${w.id}@${w.version}`)).toEqual([
        'administrative-round@2', 'party-building-round@2', 'integrity-round@2',
        'joint-round.administrative+party_building@1', 'joint-round.administrative+integrity@1',
        'joint-round.party_building+integrity@1', 'joint-round.administrative+party_building+integrity@1',
        'finding@5',
      ]);
      const finding = await flow.as('inspector').get('/workflows/finding').expect(200);
      expect(finding.body.mermaid).toMatch(/^stateDiagram-v2/);
      expect(finding.body.events).toEqual(expect.arrayContaining(['ASSIGN', 'VERIFY_REJECT', 'ESCALATE']));
      await flow.as('inspector').get('/workflows/nope').expect(404);
    });
  });

  describe('after a restart', () => {
    it('still replays an Idempotency-Key given before it', async () => {
      const { findingId } = await flow.assignedFinding('administrative');
      const key = { 'Idempotency-Key': randomUUID() };
      const dispute = { type: 'DISPUTE', reason: 'sent from a tablet on flaky Wi-Fi' };
      const first = await flow.as('cardiologyStaff').post(`/findings/${findingId}/events`, dispute, key).expect(200);
      t = await t.restart();
      flow = new Flow(t, h);
      const retried = await flow.as('cardiologyStaff').post(`/findings/${findingId}/events`, dispute, key).expect(200);
      expect(retried.headers['idempotent-replayed']).toBe('true');
      expect(retried.body).toEqual(first.body);
      expect(await flow.auditEvents('findings', findingId)).toEqual(['LOG_FINDING', 'ASSIGN', 'DISPUTE']);
    });
  });

  // Only PostgreSQL parses and plans queries on the server; SQLite's statements are cached by TypeORM.
  if (onPostgres) {
    describe('on PostgreSQL', () => {
      it('runs parameterised queries as prepared statements, planned once per connection', async () => {
        const runner = t.dataSource.createQueryRunner();
        try {
          await runner.query('SELECT $1::int AS answer', [42]);
          await runner.query('SELECT $1::int AS answer', [43]);
          const prepared: { statement: string }[] = await runner.query('SELECT statement FROM pg_prepared_statements');
          expect(prepared.filter((p) => p.statement === 'SELECT $1::int AS answer')).toHaveLength(1);
        } finally {
          await runner.release();
        }
      });
    });
  }
});
