import { setUpDemoHospital } from '../scripts/demo-hospital';
import { ADMIN_PASSWORD, TestApp, startApp } from './support/test-app';

/** `npm run demo`: what a newcomer runs beside `npm start` to try the app on a fresh database. */
describe('the demo hospital', () => {
  let t: TestApp;
  let origin: string;

  beforeAll(async () => {
    t = await startApp();
    await t.app.listen(0, '127.0.0.1');
    origin = await t.app.getUrl();
  });

  afterAll(() => t.close());

  it('gives every role a person who can sign in, the round lead a round planned for today, and the ward findings from outside rounds', async () => {
    const hospital = await setUpDemoHospital({ origin, adminPassword: ADMIN_PASSWORD, timeZone: 'Asia/Shanghai' });
    expect(hospital.scheduledFor).toBe(new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }));

    const users = new Map<string, { roles: string[]; departmentId: string | null }>();
    for (const { username } of hospital.people) {
      const { body } = await t.http.post('/auth/login').send({ username, password: hospital.password }).expect(200);
      users.set(username, body.user);
    }
    expect(Object.fromEntries([...users].map(([username, user]) => [username, user.roles]))).toEqual({
      lead: ['round_lead'],
      inspector: ['inspector'],
      staff: ['department_staff'],
      verifier: ['verifier'],
      discipline: ['discipline_office'],
      director: ['leadership'],
    });

    const departments = (await t.http.get('/departments').set('authorization', `Bearer ${await t.login('lead', hospital.password)}`).expect(200)).body.items as {
      id: string;
      code: string;
      leadOfficeFor: string[];
    }[];
    const codeOf = (id: string | null) => departments.find((department) => department.id === id)?.code;
    expect(codeOf(users.get('staff')!.departmentId)).toBe('CARD');
    expect(departments.find((department) => department.id === users.get('verifier')!.departmentId)?.leadOfficeFor).toEqual(['administrative']);

    const { body: rounds } = await t.http.get('/rounds').set('authorization', `Bearer ${await t.login('inspector', hospital.password)}`).expect(200);
    expect(rounds.items).toEqual([
      expect.objectContaining({ id: hospital.roundId, state: 'planned', types: ['administrative'], scheduledFor: hospital.scheduledFor, departmentId: departments.find((department) => department.code === 'CARD')!.id }),
    ]);

    // The ward's list holds the findings from outside rounds, assigned to it.
    const { body: findings } = await t.http.get('/findings?limit=100').set('authorization', `Bearer ${await t.login('staff', hospital.password)}`).expect(200);
    expect(findings.items.map((finding: { source: string; state: string }) => [finding.source, finding.state]).sort()).toEqual([
      ['complaint', 'assigned'],
      ['patient_feedback', 'assigned'],
      ['superior_inspection', 'assigned'],
    ]);
    expect(hospital.findings).toBe(3);
  });

  it('is set up once: a second run is refused and creates nothing', async () => {
    const before = await t.counts();
    await expect(setUpDemoHospital({ origin, adminPassword: ADMIN_PASSWORD })).rejects.toThrow('already has the demo departments');
    // Only admin's sign-in is recorded, as every sign-in is.
    expect(await t.counts()).toEqual({ ...before, audit_entries: before.audit_entries + 1 });
  });

  it('says so when no service answers', async () => {
    await expect(setUpDemoHospital({ origin: 'http://127.0.0.1:9', adminPassword: ADMIN_PASSWORD })).rejects.toThrow('No service answers at http://127.0.0.1:9');
  });

  it('names the refusal when the admin password is wrong', async () => {
    await expect(setUpDemoHospital({ origin, adminPassword: 'not-the-password' })).rejects.toThrow(/^\/auth\/login: 401 /);
  });
});
