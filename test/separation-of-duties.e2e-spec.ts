import type { AuditEntryDto } from '../src/audit/audit.dto';
import { SeparationOfDuties1733400000000 } from '../migrations/1733400000000-separation-of-duties';
import { Clock } from '../src/common/clock';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { storeAsVersion4 } from './support/stored-versions';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? '');
const INTEGRITY_TITLE = '收受红包 envelope accepted from a patient';

describe(`separation of duties (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;

  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
    flow = new Flow(t, h);
    // Mid-month, so that the month's notice holds what the suite does.
    jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => new Date('2026-11-23T02:00:00Z'));
  });

  afterAll(() => t.close());

  /** An integrity finding whose verification `discipline` (its lead office's verifier, and of the discipline office) accepted. */
  async function acceptedByDiscipline(): Promise<string> {
    const { findingId } = await flow.assignedFinding('integrity', { title: INTEGRITY_TITLE, description: 'Reported by the family' });
    await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_PLAN', measures: '退还 return it', committedDate: '2026-11-30' });
    await flow.submitEvidence('cardiologyStaff', findingId, 'receipt');
    expect((await flow.send('discipline', findingId, { type: 'VERIFY_ACCEPT' })).body.state).toBe('closure_audit');
    return findingId;
  }

  const log = async (who: keyof Hospital['users'], query: string): Promise<AuditEntryDto[]> =>
    (await flow.as(who).get(`/audit?limit=500&${query}`).expect(200)).body.items;

  describe('the closure audit', () => {
    it('refuses the one who accepted the verification the approval of its closure audit: 409 with the reason, nothing written', async () => {
      const findingId = await acceptedByDiscipline();
      const before = await t.counts();
      const refused = await flow.send('discipline', findingId, { type: 'AUDIT_APPROVE', note: 'fine' }, 409);
      expect(refused.body).toMatchObject({
        statusCode: 409,
        error: 'Conflict',
        message: expect.stringMatching(/^You accepted this finding's verification, so you may not also approve its closure audit \(separation of duties\)/),
        details: { rule: 'SEPARATION_OF_DUTIES', acceptedBy: h.users.discipline.id },
      });
      expect(await t.counts()).toEqual(before);
      expect((await flow.as('discipline').get(`/findings/${findingId}`).expect(200)).body).toMatchObject({
        state: 'closure_audit',
        availableEvents: ['AUDIT_REJECT', 'TRANSFER'],
      });
      expect((await flow.as('auditor').get(`/findings/${findingId}`).expect(200)).body.availableEvents).toEqual(
        expect.arrayContaining(['AUDIT_APPROVE', 'ALLOW_SELF_AUDIT']),
      );
      const approved = await flow.send('auditor', findingId, { type: 'AUDIT_APPROVE' });
      expect(approved.body).toMatchObject({ state: 'closed', closureApproval: { approvedBy: h.users.auditor.id } });
    });

    it('refuses the acceptor an allowance of its own; another discipline-office user allows it with a reason, and then the acceptor approves', async () => {
      const findingId = await acceptedByDiscipline();
      const own = await flow.send('discipline', findingId, { type: 'ALLOW_SELF_AUDIT', reason: 'I checked it myself' }, 409);
      expect(own.body.message).toBe("You accepted this finding's verification: only another discipline-office user may allow you to approve its closure audit");
      const bare = await flow.send('auditor', findingId, { type: 'ALLOW_SELF_AUDIT' }, 400);
      expect(bare.body.details).toContainEqual({ field: 'reason', reason: 'should not be empty' });
      // Someone outside the discipline office may not allow anything.
      await flow.send('lead', findingId, { type: 'ALLOW_SELF_AUDIT', reason: 'x' }, 403);

      const reason = '纪委仅两人，另一人休假 two people in the office, the other on leave';
      const allowed = await flow.send('auditor', findingId, { type: 'ALLOW_SELF_AUDIT', reason });
      expect(allowed.body).toMatchObject({
        state: 'closure_audit',
        selfAuditAllowance: { allowedBy: h.users.auditor.id, acceptedBy: h.users.discipline.id, reason },
      });
      expect((await flow.as('discipline').get(`/findings/${findingId}`).expect(200)).body.availableEvents).toContain('AUDIT_APPROVE');
      await flow.send('auditor', findingId, { type: 'ALLOW_SELF_AUDIT', reason: 'again' }, 409);
      const approved = await flow.send('discipline', findingId, { type: 'AUDIT_APPROVE' });
      expect(approved.body).toMatchObject({ state: 'closed', closureApproval: { approvedBy: h.users.discipline.id } });
      expect(await flow.auditEvents('findings', findingId)).toEqual([
        'LOG_FINDING', 'ASSIGN', 'SUBMIT_PLAN', 'SUBMIT_EVIDENCE', 'VERIFY_ACCEPT', 'ALLOW_SELF_AUDIT', 'SELF_AUDIT_ALLOWED', 'AUDIT_APPROVE',
      ]);

      // A security event the discipline office reads; the administrator, outside integrity, does not see it in the log.
      for (const who of ['discipline', 'auditor'] as const) {
        expect(await log(who, `event=SELF_AUDIT_ALLOWED&entityId=${findingId}`)).toEqual([
          expect.objectContaining({ actorId: h.users.auditor.id, actorRole: 'discipline_office', entityType: 'finding', payload: { acceptedBy: h.users.discipline.id, reason } }),
        ]);
      }
      expect(await log('admin', `event=SELF_AUDIT_ALLOWED&entityId=${findingId}`)).toEqual([]);

      // The month's notice lists it: the finding by reference and the reason for those inside the matter, that it happened for those outside.
      const line = { findingId, allowedBy: 'auditor', acceptedBy: 'discipline', reason };
      for (const who of ['discipline', 'cardiologyStaff'] as const) {
        const notice = (await flow.as(who).get('/reports/notice?month=2026-11&format=json').expect(200)).body;
        expect({ who, allowances: notice.selfAuditAllowances }).toEqual({ who, allowances: [expect.objectContaining(line)] });
      }
      for (const who of ['admin', 'adminVerifier'] as const) {
        const notice = (await flow.as(who).get('/reports/notice?month=2026-11&format=json').expect(200)).body;
        expect({ who, allowances: notice.selfAuditAllowances }).toEqual({ who, allowances: [expect.objectContaining({ ...line, findingId: null, reason: null })] });
      }
      for (const who of ['admin', 'adminVerifier', 'surgeryStaff'] as const) {
        for (const query of ['format=json', 'lang=en', 'lang=zh']) {
          const notice = await flow.as(who).get(`/reports/notice?month=2026-11&${query}`).expect(200);
          expect({ who, query, leaked: (notice.text || JSON.stringify(notice.body)).includes(INTEGRITY_TITLE) }).toEqual({ who, query, leaked: false });
        }
      }
      const page = (await flow.as('admin').get('/reports/notice?month=2026-11&lang=en').expect(200)).text;
      expect(page).toContain('10. Separation of duties set aside');
      expect(page).toContain('<td>—</td><td>auditor</td><td>discipline</td><td>—</td>');
      // A department that is not responsible for the finding does not read of it.
      const surgery = (await flow.as('surgeryStaff').get('/reports/notice?month=2026-11&format=json').expect(200)).body;
      expect(surgery.selfAuditAllowances).toEqual([]);
    });
  });

  describe('findings stored before', () => {
    it('move from machine version 3 to 4 with no allowance on record, and back, and the rule holds for them', async () => {
      const findingId = await acceptedByDiscipline();
      await storeAsVersion4(t, findingId);
      const stored = async () => {
        const [row] = await t.dataSource.query(`SELECT "workflowVersion", "snapshot" FROM "findings" WHERE "id" = '${findingId}'`);
        return { version: Number(row.workflowVersion), context: JSON.parse(row.snapshot).context as Record<string, unknown> };
      };
      const migration = new SeparationOfDuties1733400000000();
      const runner = t.dataSource.createQueryRunner();
      try {
        await migration.down(runner);
        const before = await stored();
        expect(before.version).toBe(3);
        expect(before.context).not.toHaveProperty('selfAuditAllowance');
        await migration.up(runner);
      } finally {
        await runner.release();
      }
      expect(await stored()).toMatchObject({ version: 4, context: { selfAuditAllowance: null, verification: { acceptedBy: h.users.discipline.id } } });
      // Read through version 5 from here on.
      await flow.send('discipline', findingId, { type: 'AUDIT_APPROVE' }, 409);
      await flow.send('auditor', findingId, { type: 'ALLOW_SELF_AUDIT', reason: 'small office' });
      await flow.send('discipline', findingId, { type: 'AUDIT_APPROVE' });
    });
  });
});
