import ExcelJS from 'exceljs';
import { AttachmentEntity } from '../src/attachments/attachment.entity';
import { Clock } from '../src/common/clock';
import { InterviewEntity } from '../src/interviews/interview.entity';
import { binaryBody } from './support/files';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { PASSWORD, TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

type Identity = { id: string; token: string };
type Interview = { id: string; departmentId: string; findingIds: string[]; heldOn: string; summary: string };

describe(`admonition interviews (约谈) (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  /** Findings of cardiology by type, and one of surgery. */
  const findings = { administrative: '', party_building: '', integrity: '', surgery: '' };
  /** A lead office's round lead, and a verifier of the integrity lead office who is not the discipline office. */
  const extra: Record<'officeLead' | 'integrityVerifier', Identity> = {} as never;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  async function newUser(username: string, roles: string[], departmentId: string): Promise<Identity> {
    const body = { username, password: PASSWORD, displayName: username, roles, departmentId };
    const { id } = (await t.http.post('/users').set(bearer(h.users.admin.token)).send(body).expect(201)).body;
    return { id, token: await t.login(username) };
  }

  /** A caller by name: the seeded hospital's people and this suite's own. */
  const as = (who: string) => {
    const identity = (extra as Record<string, Identity>)[who] ?? h.users[who as keyof Hospital['users']];
    return {
      post: (path: string, body: object) => t.http.post(path).set(bearer(identity.token)).send(body),
      get: (path: string) => t.http.get(path).set(bearer(identity.token)),
    };
  };

  const record = async (who: string, body: object, status = 201) => (await as(who).post('/interviews', body).expect(status)).body;

  const interviewBody = (findingIds: string[], extraFields: object = {}) => ({
    departmentId: h.departments.cardiology,
    personId: h.users.cardiologyStaff.id,
    findingIds,
    heldOn: '2026-11-01',
    summary: '约谈科室负责人，要求限期整改 the head was told to fix it by the deadline',
    ...extraFields,
  });

  const interviewCount = () => t.dataSource.manager.count(InterviewEntity);

  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
    flow = new Flow(t, h);
    jest.spyOn(t.app.get(Clock), 'now').mockImplementation(() => new Date('2026-11-02T02:00:00Z'));
    for (const type of ['administrative', 'party_building', 'integrity'] as const) findings[type] = (await flow.assignedFinding(type)).findingId;
    const surgeryRound = await flow.startedRound('administrative', h.departments.surgery);
    findings.surgery = await flow.logFinding(surgeryRound, 'administrative', { responsibleDepartmentId: h.departments.surgery });
    await flow.as('lead').post(`/rounds/${surgeryRound}/events`, { type: 'SUBMIT' }).expect(200);
    extra.officeLead = await newUser('office-lead', ['round_lead'], h.departments.presidentOffice);
    // A verifier's seat in the integrity lead office is the discipline office's to give; the placeholder role the administrator's to take.
    const integrityVerifier = await newUser('integrity-verifier', ['inspector'], h.departments.disciplineOffice);
    await t.http.patch(`/users/${integrityVerifier.id}`).set(bearer(h.users.discipline.token)).send({ roles: ['inspector', 'verifier'] }).expect(200);
    await t.http.patch(`/users/${integrityVerifier.id}`).set(bearer(h.users.admin.token)).send({ roles: ['verifier'] }).expect(200);
    extra.integrityVerifier = { id: integrityVerifier.id, token: await t.login('integrity-verifier') };
  });

  afterAll(() => t.close());

  it('records an interview with its files and its audit entry, and reads it back', async () => {
    const photo = await flow.upload('adminVerifier');
    const recorded = await record('adminVerifier', interviewBody([findings.administrative], { attachmentIds: [photo.id] }));
    expect(recorded).toEqual({
      id: expect.any(String),
      departmentId: h.departments.cardiology,
      departmentName: 'CARD',
      personId: h.users.cardiologyStaff.id,
      personName: 'card-staff',
      findingIds: [findings.administrative],
      heldOn: '2026-11-01',
      summary: '约谈科室负责人，要求限期整改 the head was told to fix it by the deadline',
      attachments: [expect.objectContaining({ id: photo.id, sha256: photo.sha256 })],
      recordedBy: h.users.adminVerifier.id,
      recordedByName: 'pres-verifier',
      recordedAt: '2026-11-02T02:00:00.000Z',
    });
    expect(await as('adminVerifier').get(`/interviews/${recorded.id}`).expect(200).then((r) => r.body)).toEqual(recorded);

    const stored = await t.dataSource.manager.findOneByOrFail(AttachmentEntity, { id: photo.id });
    expect(stored).toMatchObject({ interviewId: recorded.id, findingId: null });
    expect(stored.usedAt).not.toBeNull();
    // The file is read by those who read the interview, and used by nothing else.
    await as('cardiologyStaff').get(`/attachments/${photo.id}/metadata`).expect(200);
    await as('surgeryStaff').get(`/attachments/${photo.id}/metadata`).expect(404);
    const again = await record('adminVerifier', interviewBody([findings.administrative], { attachmentIds: [photo.id] }), 400);
    expect(again.details).toEqual([{ field: 'attachmentIds[0]', reason: 'belongs to an interview' }]);

    const log = (await as('discipline').get(`/audit?entityType=interview&entityId=${recorded.id}`).expect(200)).body;
    expect(log.items).toEqual([
      expect.objectContaining({
        event: 'RECORD_INTERVIEW',
        entityType: 'interview',
        entityId: recorded.id,
        actorId: h.users.adminVerifier.id,
        payload: expect.objectContaining({ departmentId: h.departments.cardiology, findingIds: [findings.administrative], heldOn: '2026-11-01', summary: recorded.summary, integrity: false }),
      }),
    ]);
    expect((await as('discipline').get('/audit/verify').expect(200)).body).toMatchObject({ ok: true });
  });

  it('lists by department, month and finding, the latest held first, paged', async () => {
    const october = await record('discipline', interviewBody([findings.party_building], { heldOn: '2026-10-15', personId: undefined }));
    const november = await record('officeLead', interviewBody([findings.administrative, findings.party_building], { heldOn: '2026-11-02' }));
    const surgery = await record('discipline', { ...interviewBody([findings.surgery]), departmentId: h.departments.surgery, personId: h.users.surgeryStaff.id });
    const ids = async (query: string) => (await as('discipline').get(`/interviews?${query}`).expect(200)).body.items.map((i: Interview) => i.id);

    const cardiology = await ids(`departmentId=${h.departments.cardiology}`);
    expect(cardiology[0]).toBe(november.id);
    expect(cardiology.at(-1)).toBe(october.id);
    expect(await ids(`departmentId=${h.departments.cardiology}&month=2026-10`)).toEqual([october.id]);
    expect(await ids(`departmentId=${h.departments.surgery}&month=2026-11`)).toEqual([surgery.id]);
    expect(await ids(`findingId=${findings.party_building}`)).toEqual([november.id, october.id]);
    const first = (await as('discipline').get(`/interviews?departmentId=${h.departments.cardiology}&limit=1`).expect(200)).body;
    expect(first).toMatchObject({ total: cardiology.length, limit: 1, offset: 0, items: [expect.objectContaining({ id: november.id })] });
    const refused = await as('discipline').get('/interviews?month=2026-13&departmentId=cardiology').expect(400);
    expect(refused.body.details.map((p: { field: string }) => p.field).sort()).toEqual(['departmentId', 'month']);
    await as('discipline').get('/interviews/not-a-uuid').expect(400);
  });

  describe('who reads them', () => {
    /** Interviews by the administrative office, the Party office and the discipline office (integrity; and non-integrity, of surgery). */
    const ids = { administrative: '', party: '', integrity: '', surgeryByDiscipline: '' };
    const VISIBLE: Record<string, (keyof typeof ids)[]> = {
      discipline: ['administrative', 'party', 'integrity', 'surgeryByDiscipline'],
      auditor: ['administrative', 'party', 'integrity', 'surgeryByDiscipline'],
      adminVerifier: ['administrative'],
      officeLead: ['administrative'],
      partyVerifier: ['party'],
      // The integrity lead office recorded the surgery one (not about integrity): it reads that, never an integrity one.
      integrityVerifier: ['surgeryByDiscipline'],
      // Staff stand in for their department's head; an integrity interview is the discipline office's alone.
      cardiologyStaff: ['administrative', 'party'],
      surgeryStaff: ['surgeryByDiscipline'],
      admin: [],
      lead: [],
      inspector: [],
    };

    beforeAll(async () => {
      ids.administrative = (await record('adminVerifier', interviewBody([findings.administrative], { summary: 'matrix administrative' }))).id;
      ids.party = (await record('partyVerifier', interviewBody([findings.party_building], { summary: 'matrix party' }))).id;
      ids.integrity = (await record('discipline', interviewBody([findings.integrity, findings.administrative], { summary: 'matrix integrity secret-5c1e' }))).id;
      ids.surgeryByDiscipline = (await record('discipline', { ...interviewBody([findings.surgery], { summary: 'matrix surgery' }), departmentId: h.departments.surgery, personId: undefined })).id;
    });

    it('answers each role in list and get by the one rule', async () => {
      const mine = new Set(Object.values(ids));
      const seen: Record<string, string[]> = {};
      for (const who of Object.keys(VISIBLE)) {
        const listed = (await as(who).get('/interviews?limit=500').expect(200)).body.items.map((i: Interview) => i.id).filter((id: string) => mine.has(id));
        const read: string[] = [];
        for (const [name, id] of Object.entries(ids)) {
          const response = await as(who).get(`/interviews/${id}`);
          expect({ who, name, status: response.status }).toEqual({ who, name, status: VISIBLE[who].includes(name as keyof typeof ids) ? 200 : 404 });
          if (response.status === 200) read.push(name);
        }
        seen[who] = read;
        expect({ who, listed: listed.sort() }).toEqual({ who, listed: VISIBLE[who].map((name) => ids[name]).sort() });
      }
      expect(seen).toEqual(VISIBLE);
    });

    it('lists them in the case files of their findings, as the reader may see them', async () => {
      const interviewsIn = async (who: string, findingId: string) =>
        (await as(who).get(`/findings/${findingId}/case-file`).expect(200)).body.interviews.map((i: Interview) => i.id) as string[];
      expect(await interviewsIn('discipline', findings.administrative)).toEqual(expect.arrayContaining([ids.administrative, ids.integrity]));
      expect(await interviewsIn('discipline', findings.integrity)).toEqual([ids.integrity]);
      expect(await interviewsIn('adminVerifier', findings.administrative)).toContain(ids.administrative);
      expect(await interviewsIn('adminVerifier', findings.administrative)).not.toContain(ids.integrity);
      // The Party office reads the administrative finding, but not the president's office's interview about it.
      expect(await interviewsIn('partyVerifier', findings.administrative)).toEqual([]);
      expect(await interviewsIn('cardiologyStaff', findings.integrity)).toEqual([]);
      expect(await interviewsIn('cardiologyStaff', findings.party_building)).toContain(ids.party);
    });

    it('scopes the audit log by the same rule: an administrator reads no interview', async () => {
      const entries = async (who: string) =>
        (await as(who).get('/audit?entityType=interview&limit=500').expect(200)).body.items.map((e: { entityId: string }) => e.entityId) as string[];
      expect(await entries('admin')).toEqual([]);
      expect(await entries('discipline')).toEqual(expect.arrayContaining(Object.values(ids)));
    });

    it('lists the month’s interviews the reader may see in the monthly tracking workbook', async () => {
      const sheetOf = async (who: string) => {
        const response = await as(who).get('/reports/monthly?month=2026-11&format=xlsx').buffer(true).parse(binaryBody).expect(200);
        const book = new ExcelJS.Workbook();
        await book.xlsx.load(response.body as never);
        const sheet = book.getWorksheet('约谈')!;
        const rows: string[][] = [];
        sheet.eachRow((row, n) => n > 2 && rows.push([row.getCell(2).text, row.getCell(5).text]));
        return { header: sheet.getRow(2).values, rows };
      };
      const discipline = await sheetOf('discipline');
      expect(discipline.header).toEqual([undefined, '约谈日期', '科室', '约谈对象', '涉及问题数', '约谈内容', '记录人']);
      expect(discipline.rows).toEqual(expect.arrayContaining([['CARD', 'matrix integrity secret-5c1e'], ['SURG', 'matrix surgery']]));
      const staff = await sheetOf('cardiologyStaff');
      expect(staff.rows.map(([, summary]) => summary)).toEqual(expect.arrayContaining(['matrix administrative', 'matrix party']));
      expect(staff.rows.every(([department]) => department === 'CARD')).toBe(true);
      expect(JSON.stringify(staff.rows)).not.toContain('secret-5c1e');
      expect((await sheetOf('admin')).rows).toEqual([]);
    });
  });

  it('refuses bad input with 400 naming each field, and writes nothing', async () => {
    const otherUsersPhoto = await flow.upload('partyVerifier');
    const before = { interviews: await interviewCount(), tables: await t.counts() };
    const refusals: [object, string[]][] = [
      [{ departmentId: '00000000-0000-4000-8000-000000000000' }, ['departmentId']],
      [{ personId: h.users.surgeryStaff.id }, ['personId']],
      [{ personId: '00000000-0000-4000-8000-000000000000' }, ['personId']],
      [{ findingIds: [findings.administrative, findings.integrity] }, ['findingIds[1]']],
      [{ findingIds: [findings.surgery, '00000000-0000-4000-8000-000000000000'] }, ['findingIds[0]', 'findingIds[1]']],
      [{ findingIds: [] }, ['findingIds']],
      [{ findingIds: [findings.administrative, findings.administrative] }, ['findingIds']],
      [{ findingIds: ['not-a-uuid'] }, ['findingIds']],
      [{ heldOn: '2026-11-03' }, ['heldOn']],
      [{ heldOn: '2026-02-30' }, ['heldOn']],
      [{ heldOn: '2026-11-02T10:00' }, ['heldOn']],
      [{ summary: '' }, ['summary']],
      [{ summary: 'x'.repeat(4001) }, ['summary']],
      [{ attachmentIds: [otherUsersPhoto.id] }, ['attachmentIds[0]']],
      [{ recordedBy: h.users.discipline.id }, ['recordedBy']],
      [{ integrity: false }, ['integrity']],
    ];
    for (const [change, fields] of refusals) {
      const response = await as('adminVerifier').post('/interviews', interviewBody([findings.administrative], change));
      expect({ change, status: response.status, fields: [...new Set(response.body.details?.map((p: { field: string }) => p.field))].sort() }).toEqual({ change, status: 400, fields });
    }
    expect({ interviews: await interviewCount(), tables: await t.counts() }).toEqual(before);
    expect(await record('adminVerifier', interviewBody([findings.administrative], { summary: 'x'.repeat(4000) }))).toMatchObject({ summary: 'x'.repeat(4000) });

    // Who may record: the discipline office and the lead offices; an integrity matter only the discipline office.
    const counted = await interviewCount();
    for (const who of ['cardiologyStaff', 'inspector', 'admin', 'lead']) await as(who).post('/interviews', interviewBody([findings.administrative])).expect(403);
    const integrity = await as('integrityVerifier').post('/interviews', interviewBody([findings.integrity])).expect(403);
    expect(integrity.body.message).toMatch(/discipline office/);
    expect(await interviewCount()).toBe(counted);
  });

  it('keeps hostile text as text: escaped in the case file page', async () => {
    const hostile = '<script>alert("约谈")</script><img src=x onerror=alert(1)> & =HYPERLINK("http://evil.example","x")';
    const recorded = await record('adminVerifier', interviewBody([findings.administrative], { summary: hostile }));
    expect(recorded.summary).toBe(hostile);
    const page = await as('adminVerifier').get(`/findings/${findings.administrative}/case-file?format=html`).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('&lt;script&gt;alert(&quot;约谈&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &amp; =HYPERLINK');
    expect(page.text).not.toContain('<script>');
    expect(page.text).not.toContain('<img');
    expect(page.text).toContain('约谈记录 Admonition interviews');

    const response = await as('adminVerifier').get('/reports/monthly?month=2026-11&format=xlsx').buffer(true).parse(binaryBody).expect(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(response.body as never);
    const cells: ExcelJS.Cell[] = [];
    book.getWorksheet('约谈')!.eachRow((row) => row.eachCell((cell) => cells.push(cell)));
    const summary = cells.find((cell) => cell.text === hostile)!;
    expect(summary.type).toBe(ExcelJS.ValueType.RichText);
    expect(cells.filter((cell) => cell.type === ExcelJS.ValueType.Formula || cell.formula)).toEqual([]);
  });
});
