import { Clock } from '../src/common/clock';
import { drawSample } from '../src/closure-audits/sampling';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

describe(`the discipline office's closure audit and case files (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  let now: Date;

  beforeAll(async () => {
    t = await startApp({ CLOSURE_AUDIT_SAMPLE: '3' });
    h = await seedHospital(t);
    flow = new Flow(t, h);
    now = new Date('2026-11-23T02:00:00Z');
    jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => new Date(now));
  });

  afterAll(() => t.close());

  /** A finding taken from logging to `closure_audit` (integrity or critical) or to `closed` (the others). */
  async function verified(type: 'administrative' | 'integrity', severity = 'major'): Promise<string> {
    const { findingId } = await flow.assignedFinding(type, { severity });
    await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_PLAN', measures: 'm', committedDate: now.toISOString().slice(0, 10) });
    await flow.submitEvidence('cardiologyStaff', findingId, 'done');
    await flow.send(type === 'integrity' ? 'discipline' : 'adminVerifier', findingId, { type: 'VERIFY_ACCEPT' });
    return findingId;
  }
  const queue = async (who: keyof Hospital['users'] = 'discipline') =>
    (await flow.as(who).get('/closure-audits?limit=500').expect(200)).body as { total: number; items: { reason: string; month: string | null; finding: { id: string } }[] };
  const inQueue = async (findingId: string, who: keyof Hospital['users'] = 'discipline') => (await queue(who)).items.find((item) => item.finding.id === findingId);

  it('holds every integrity and critical finding awaiting the closure audit, each to those who may see it', async () => {
    const integrity = await verified('integrity');
    const critical = await verified('administrative', 'critical');
    expect(await inQueue(integrity, 'auditor')).toMatchObject({ reason: 'required', month: null, finding: { state: 'closure_audit', availableEvents: expect.arrayContaining(['AUDIT_APPROVE', 'AUDIT_REJECT']) } });
    expect(await inQueue(critical)).toMatchObject({ reason: 'required' });
    expect(await inQueue(critical, 'admin')).toBeDefined();
    expect(await inQueue(integrity, 'admin')).toBeUndefined();
    await flow.as('cardiologyStaff').get('/closure-audits').expect(403);

    const approved = await flow.send('discipline', critical, { type: 'AUDIT_APPROVE', note: '同意销号' });
    expect(approved.body).toMatchObject({ state: 'closed', closureApproval: { approvedBy: h.users.discipline.id } });
    expect(await inQueue(critical)).toBeUndefined();
    await flow.send('discipline', integrity, { type: 'AUDIT_REJECT', reason: 'receipts missing' });
    expect(await inQueue(integrity)).toBeUndefined();
  });

  it('draws a reproducible monthly sample of the other closed findings, once, records it, and takes decisions on it', async () => {
    now = new Date('2026-10-12T02:00:00Z');
    const closed = [];
    for (let i = 0; i < 6; i++) closed.push(await verified('administrative', i % 2 ? 'minor' : 'major'));
    const critical = await verified('administrative', 'critical');
    await flow.send('discipline', critical, { type: 'AUDIT_APPROVE' });
    now = new Date('2026-11-23T02:00:00Z');

    const refused = await flow.as('discipline').post('/closure-audits/samples', { month: '2026-11' }).expect(400);
    expect(refused.body.details).toEqual([{ field: 'month', reason: 'must have ended (2026-11 ends at 2026-11-30T16:00:00.000Z)' }]);
    const [first, second] = await Promise.all([
      flow.as('discipline').post('/closure-audits/samples', { month: '2026-10' }).expect(201),
      flow.as('discipline').post('/closure-audits/samples', { month: '2026-10' }).expect(201),
    ]);
    expect(first.body).toMatchObject({ month: '2026-10', candidates: 6, size: 3, method: expect.stringContaining('SHA-256') });
    // Anyone can draw it again from the month's closed findings and get the same three.
    expect(first.body.findingIds).toEqual(drawSample('2026-10', closed, 3));
    expect(second.body).toEqual(first.body);
    const drawn = await flow.as('discipline').get('/audit?event=CLOSURE_SAMPLE_DRAWN').expect(200);
    expect(drawn.body.items).toHaveLength(1);
    expect(drawn.body.items[0].payload).toMatchObject({ month: '2026-10', candidates: 6, size: 3, findingIds: first.body.findingIds });

    const [toApprove, toReopen, toKeep] = first.body.findingIds as string[];
    for (const id of first.body.findingIds) expect(await inQueue(id)).toMatchObject({ reason: 'sampled', month: '2026-10', finding: { state: 'closed' } });
    const approved = await flow.send('discipline', toApprove, { type: 'AUDIT_APPROVE' });
    expect(approved.body).toMatchObject({ state: 'closed', closureApproval: { approvedBy: h.users.discipline.id } });
    // Approved once; a second approval is not possible.
    await flow.send('discipline', toApprove, { type: 'AUDIT_APPROVE' }, 409);
    const reopened = await flow.send('discipline', toReopen, { type: 'REOPEN', reason: '抽查发现未整改到位 not fixed' });
    expect(reopened.body).toMatchObject({ state: 'rectifying', closureApproval: null });
    expect(await inQueue(toApprove)).toBeUndefined();
    expect(await inQueue(toReopen)).toBeUndefined();
    expect(await inQueue(toKeep)).toBeDefined();
    const samples = await t.dataSource.query(`SELECT "findingId", "outcome", "reviewedBy" FROM "closure_audit_samples" WHERE "month" = '2026-10'`);
    expect(samples).toEqual(
      expect.arrayContaining([
        { findingId: toApprove, outcome: 'approved', reviewedBy: h.users.discipline.id },
        { findingId: toReopen, outcome: 'reopened', reviewedBy: h.users.discipline.id },
        { findingId: toKeep, outcome: null, reviewedBy: null },
      ]),
    );
    expect(await flow.auditEvents('findings', toApprove)).toEqual(['LOG_FINDING', 'ASSIGN', 'SUBMIT_PLAN', 'SUBMIT_EVIDENCE', 'VERIFY_ACCEPT', 'AUDIT_APPROVE']);
  });

  describe('case files', () => {
    it('hold the whole history with each entry linked and each file checked, as JSON and as a page to print', async () => {
      const findingId = await verified('administrative', 'critical');
      await flow.send('discipline', findingId, { type: 'AUDIT_APPROVE' });
      await t.linked();
      const file = (await flow.as('discipline').get(`/findings/${findingId}/case-file`).expect(200)).body;
      expect(file).toMatchObject({ intact: true, finding: { id: findingId, state: 'closed' } });
      expect(file.entries.map((entry: { event: string }) => entry.event)).toEqual(['LOG_FINDING', 'ASSIGN', 'SUBMIT_PLAN', 'SUBMIT_EVIDENCE', 'VERIFY_ACCEPT', 'AUDIT_APPROVE']);
      expect(file.entries.every((entry: { linked: boolean; hash: string }) => entry.linked && /^[0-9a-f]{64}$/.test(entry.hash))).toBe(true);
      expect(file.entries[3]).toMatchObject({ actorName: expect.any(String), payload: { attachments: [{ sha256: file.attachments[0].sha256 }] } });
      expect(file.attachments).toEqual([expect.objectContaining({ contentType: 'image/png', intact: true, findingId })]);

      const page = await flow.as('discipline').get(`/findings/${findingId}/case-file?format=html`).expect(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.text).toContain('问题案卷 Case file');
      expect(page.text).toContain(file.attachments[0].sha256);
      expect(page.text).toContain(file.entries[5].hash);
      expect(page.text).not.toContain('<script');

      await flow.as('surgeryStaff').get(`/findings/${findingId}/case-file`).expect(404);
      const bad = await flow.as('discipline').get(`/findings/${findingId}/case-file?format=pdf`).expect(400);
      expect(bad.body.details).toEqual([{ field: 'format', reason: expect.stringContaining('json, html') }]);
    });

    it('escape what people typed', async () => {
      const roundId = await flow.startedRound('administrative');
      const findingId = await flow.logFinding(roundId, 'administrative', { title: '<script>alert(1)</script>' });
      const page = await flow.as('discipline').get(`/findings/${findingId}/case-file?format=html`).expect(200);
      expect(page.text).not.toContain('<script>alert(1)</script>');
      expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    });
  });

  describe('the daily head', () => {
    it('gives the last entry before the end of a day in the hospital zone, with a short digest', async () => {
      await t.linked();
      const current = (await flow.as('discipline').get('/audit/head').expect(200)).body;
      const [{ top }] = await t.dataSource.query('SELECT MAX("seq") AS top FROM "audit_entries"');
      expect(current).toMatchObject({ date: null, timeZone: 'Asia/Shanghai', seq: Number(top), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(current.digest).toBe(current.hash.slice(0, 20).match(/.{4}/g).join(' '));
      // October's entries were written on 12 October (hospital time); the head at the end of that day is the last of them.
      const [{ last }] = await t.dataSource.query(
        onPostgres
          ? `SELECT MAX("seq") AS last FROM "audit_entries" WHERE "at" < '2026-10-12T16:00:00Z'`
          : `SELECT MAX("seq") AS last FROM "audit_entries" WHERE "at" < '2026-10-12 16:00:00.000'`,
      );
      expect((await flow.as('discipline').get('/audit/head?date=2026-10-12').expect(200)).body).toMatchObject({ date: '2026-10-12', seq: Number(last) });
      expect((await flow.as('discipline').get('/audit/head?date=2020-01-01').expect(200)).body).toMatchObject({ seq: 0, hash: '0'.repeat(64) });
      await flow.as('discipline').get('/audit/head?date=2026-13-01').expect(400);
      await flow.as('cardiologyStaff').get('/audit/head').expect(403);
    });
  });
});
