import type { AuditEntryDto } from '../src/audit/audit.dto';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { ADMIN_PASSWORD, PASSWORD, TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? '');

/**
 * Who gives which authority: nobody changes their own roles; integrity authority (the
 * discipline_office role, the integrity lead office) is the discipline office's to give, an
 * administrator's only to appoint the first; every grant is a security event.
 */
describe(`granting roles and lead offices (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const log = async (who: keyof Hospital['users'], query: string): Promise<AuditEntryDto[]> =>
    (await flow.as(who).get(`/audit?limit=500&${query}`).expect(200)).body.items;

  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
    flow = new Flow(t, h);
  });

  afterAll(() => t.close());

  const user = async (username: string, roles: string[]) =>
    (await t.http.post('/users').set(bearer(h.users.admin.token)).send({ username, password: PASSWORD, displayName: username, roles }).expect(201)).body.id as string;
  const patch = (who: keyof Hospital['users'], id: string, body: object) => t.http.patch(`/users/${id}`).set(bearer(h.users[who].token)).send(body);
  /** The seed signs the administrator in without learning its id. */
  const adminId = async () =>
    (await flow.as('admin').get('/users?limit=500').expect(200)).body.items.find((u: { username: string }) => u.username === 'admin').id as string;

  it('lets nobody change their own roles: 403, whatever the role', async () => {
    const self = { admin: await adminId(), auditor: h.users.auditor.id, discipline: h.users.discipline.id };
    for (const [who, roles] of [
      ['admin', ['admin', 'discipline_office']],
      ['auditor', ['discipline_office', 'admin']],
      ['discipline', ['discipline_office']],
    ] as const) {
      const refused = await patch(who, self[who], { roles });
      expect({ who, status: refused.status, message: refused.body.message }).toEqual({ who, status: 403, message: expect.stringMatching(/^Nobody changes their own roles/) });
    }
    // Other details of one's own account are not roles.
    await patch('admin', self.admin, { displayName: 'Administrator' }).expect(200);
  });

  it('leaves the discipline_office role to the discipline office: an administrator may not give it while one exists, and each change is a security event', async () => {
    const before = await t.counts();
    const created = await t.http
      .post('/users')
      .set(bearer(h.users.admin.token))
      .send({ username: 'would-be-auditor', password: PASSWORD, displayName: 'x', roles: ['discipline_office'] })
      .expect(403);
    expect(created.body.message).toMatch(/^Only a discipline-office user grants, revokes or opens integrity authority \(the discipline_office role, or a verifier's seat in the integrity lead office\); an administrator may do so only while no account holds the discipline_office role/);
    expect(await t.counts()).toEqual(before);

    const id = await user('new-auditor', ['inspector']);
    await patch('admin', id, { roles: ['inspector', 'discipline_office'] }).expect(403);
    // The discipline office gives that role and only that: the rest of an account is the administrator's.
    await patch('discipline', id, { roles: ['discipline_office'] }).expect(403);
    await patch('discipline', id, { roles: ['inspector', 'discipline_office', 'admin'] }).expect(403);
    await patch('discipline', id, { displayName: 'renamed' }).expect(403);
    const granted = await patch('discipline', id, { roles: ['inspector', 'discipline_office'] }).expect(200);
    expect(granted.body.roles).toEqual(['inspector', 'discipline_office']);
    await patch('admin', id, { roles: ['inspector'] }).expect(403);
    await patch('auditor', id, { roles: ['inspector'] }).expect(200);

    const changes = await log('discipline', `event=ROLES_CHANGED&entityId=${id}`);
    expect(changes).toEqual([
      expect.objectContaining({ actorId: h.users.discipline.id, actorRole: 'discipline_office', payload: expect.objectContaining({ granted: ['discipline_office'], revoked: [], grantedAs: 'discipline_office' }) }),
      expect.objectContaining({ actorId: h.users.auditor.id, payload: expect.objectContaining({ granted: [], revoked: ['discipline_office'], grantedAs: 'discipline_office' }) }),
    ]);
  });

  it('leaves the integrity lead office to the discipline office, and records every lead office made', async () => {
    const department = (who: keyof Hospital['users'], code: string, leadOfficeFor: string[]) =>
      flow.as(who).post('/departments', { code, name: code, kind: 'functional', leadOfficeFor });
    const refused = await department('admin', 'SUPERVISION', ['integrity']).expect(403);
    expect(refused.body.message).toMatch(/^Only a discipline-office user grants, revokes or opens the integrity lead office/);
    await department('discipline', 'WARD-X', []).expect(403);
    await department('discipline', 'MIXED', ['integrity', 'administrative']).expect(403);
    const office = (await department('discipline', 'SUPERVISION', ['integrity']).expect(201)).body;
    const presidents = (await department('admin', 'PRES-2', ['administrative']).expect(201)).body;
    expect(await log('discipline', `event=LEAD_OFFICE_SET&entityId=${office.id}`)).toEqual([
      expect.objectContaining({ actorId: h.users.discipline.id, entityType: 'department', payload: { code: 'SUPERVISION', leadOfficeFor: ['integrity'], grantedAs: 'discipline_office', address: expect.any(String) } }),
    ]);
    expect(await log('discipline', `event=LEAD_OFFICE_SET&entityId=${presidents.id}`)).toEqual([
      expect.objectContaining({ actorRole: 'admin', payload: { code: 'PRES-2', leadOfficeFor: ['administrative'], address: expect.any(String) } }),
    ]);
  });
  it('lets the discipline office seat a verifier in its own office, open a colleague\'s account again and reset its password, each a security event', async () => {
    const admin = bearer(h.users.admin.token);
    const office = h.departments.disciplineOffice;
    const clerk = (await t.http.post('/users').set(admin).send({ username: 'office-clerk', password: PASSWORD, displayName: 'clerk', roles: ['department_staff'], departmentId: office }).expect(201)).body.id;
    await patch('admin', clerk, { roles: ['department_staff', 'verifier'] }).expect(403);
    await patch('discipline', clerk, { roles: ['department_staff', 'verifier'] }).expect(200);

    await patch('admin', h.users.auditor.id, { disabled: true }).expect(200);
    await patch('admin', h.users.auditor.id, { disabled: false }).expect(403);
    await patch('discipline', h.users.auditor.id, { disabled: false }).expect(200);
    await t.http.post(`/users/${h.users.auditor.id}/password-reset`).set(admin).expect(403);
    await t.http.post(`/users/${h.users.auditor.id}/password-reset`).set(bearer(h.users.discipline.token)).expect(200);
    // The discipline office opens only its own kind of account.
    await t.http.post(`/users/${h.users.cardiologyStaff.id}/password-reset`).set(bearer(h.users.discipline.token)).expect(403);

    const granted = (query: string) => log('discipline', query).then((entries) => entries.map((e) => [e.event, e.payload.grantedAs]));
    expect(await granted(`entityId=${clerk}&event=ROLES_CHANGED`)).toEqual([['ROLES_CHANGED', 'discipline_office']]);
    expect(await granted(`entityId=${h.users.auditor.id}&event=USER_ENABLED`)).toEqual([['USER_ENABLED', 'discipline_office']]);
    expect(await granted(`entityId=${h.users.auditor.id}&event=PASSWORD_RESET`)).toEqual([['PASSWORD_RESET', 'discipline_office']]);
  });

  // Last in this hospital: it leaves the discipline office disabled.
  it('keeps integrity authority from an administrator by every other door: a verifier seat, disabling and appointing, enabling, a password reset', async () => {
    const admin = bearer(h.users.admin.token);
    const office = h.departments.disciplineOffice;
    const seat = { username: 'seat', password: PASSWORD, displayName: 'seat', roles: ['verifier'], departmentId: office };
    await t.http.post('/users').set(admin).send(seat).expect(403);
    await patch('admin', h.users.partyVerifier.id, { departmentId: office }).expect(403);

    // Disabling the office is the administrator's (leavers go at once), but it opens no way in.
    await patch('admin', h.users.auditor.id, { disabled: true }).expect(200);
    await patch('admin', h.users.discipline.id, { disabled: true }).expect(200);
    const appoint = { username: 'newcomer', password: PASSWORD, displayName: 'newcomer', roles: ['discipline_office'], departmentId: office };
    await t.http.post('/users').set(admin).send(appoint).expect(403);
    await patch('admin', h.users.discipline.id, { disabled: false }).expect(403);
    await t.http.post(`/users/${h.users.discipline.id}/password-reset`).set(admin).expect(403);
  });
});

describe(`the first discipline office (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  it('is appointed by an administrator, once: of two appointments at the same moment one is refused', async () => {
    const admin = { Authorization: `Bearer ${await t.login('admin', ADMIN_PASSWORD)}` };
    const office = await t.http.post('/departments').set(admin).send({ code: 'DISC', name: '纪委', kind: 'functional', leadOfficeFor: ['integrity'] }).expect(201);
    const appoint = (username: string) =>
      t.http.post('/users').set(admin).send({ username, password: PASSWORD, displayName: username, roles: ['discipline_office'], departmentId: office.body.id });
    const answers = await Promise.all([appoint('first-a'), appoint('first-b')]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 403]);
    const first = answers.find((answer) => answer.status === 201)!.body as { id: string; username: string };

    const token = await t.login(first.username);
    const log = async (query: string): Promise<AuditEntryDto[]> => (await t.http.get(`/audit?limit=500&${query}`).set({ Authorization: `Bearer ${token}` }).expect(200)).body.items;
    expect(await log(`event=USER_CREATED&entityId=${first.id}`)).toEqual([
      expect.objectContaining({ actorRole: 'admin', payload: expect.objectContaining({ roles: ['discipline_office'], grantedAs: 'first_appointment' }) }),
    ]);
    expect(await log(`event=LEAD_OFFICE_SET&entityId=${office.body.id}`)).toEqual([
      expect.objectContaining({ payload: { code: 'DISC', leadOfficeFor: ['integrity'], grantedAs: 'first_appointment', address: expect.any(String) } }),
    ]);
    await t.http.post('/departments').set(admin).send({ code: 'DISC-2', name: 'x', kind: 'functional', leadOfficeFor: ['integrity'] }).expect(403);
  });
});
