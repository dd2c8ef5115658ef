import { Hospital, seedHospital } from './support/hospital';
import { PASSWORD, TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

/**
 * The people and department lists the office console pages through: filtered and sorted by the
 * service, so a page is a page of the filtered, sorted whole.
 */
describe(`the people and department lists (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  const list = async (path: string) => (await t.http.get(path).set({ Authorization: `Bearer ${h.users.admin.token}` }).expect(200)).body;
  const names = async (path: string, key = 'username') => (await list(path)).items.map((item: Record<string, string>) => item[key]);

  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
    for (const [username, displayName] of [
      ['nurse.li', '李护士 Li'],
      ['nurse.wang', '王护士 Wang'],
      ['dr.100pct', 'Dr 100% sure'],
    ])
      await t.http.post('/users').set({ Authorization: `Bearer ${h.users.admin.token}` }).send({ username, password: PASSWORD, displayName, roles: ['inspector'], departmentId: h.departments.cardiology }).expect(201);
  });

  afterAll(() => t.close());

  it('finds people by part of the username or name in any case, by role and by department, each page a page of the matches', async () => {
    expect(await names('/users?q=NURSE')).toEqual(['nurse.li', 'nurse.wang']);
    expect(await names('/users?q=护士&sort=displayName&order=desc')).toEqual(['nurse.wang', 'nurse.li']);
    // A % in the text is a percent sign, not "anything".
    expect(await names('/users?q=0%25')).toEqual(['dr.100pct']);
    expect(await names('/users?q=_')).toEqual([]);
    expect(await names('/users?role=verifier')).toEqual(['discipline', 'party-verifier', 'pres-verifier']);
    expect(await names(`/users?role=inspector&departmentId=${h.departments.cardiology}`)).toEqual(['dr.100pct', 'nurse.li', 'nurse.wang']);
    const second = await list(`/users?departmentId=${h.departments.cardiology}&limit=2&offset=2`);
    expect(second.total).toBe(4);
    expect(second.items.map((user: { username: string }) => user.username)).toEqual(['nurse.li', 'nurse.wang']);
  });

  it('finds departments by part of the code or name and by kind, sorted by the column asked for', async () => {
    expect(await names('/departments?kind=clinical', 'code')).toEqual(['CARD', 'SURG']);
    expect(await names('/departments?q=ar', 'code')).toEqual(['CARD', 'PARTY']);
    expect(await names('/departments?kind=functional&sort=name&order=desc', 'code')).toEqual(['PRES', 'PARTY', 'LOGI', 'DISC']);
  });

  it('refuses a sort it does not offer, naming the field', async () => {
    const refused = await t.http.get('/users?sort=password').set({ Authorization: `Bearer ${h.users.admin.token}` }).expect(400);
    expect(refused.body.details).toEqual([expect.objectContaining({ field: 'sort' })]);
    await t.http.get('/departments?order=sideways').set({ Authorization: `Bearer ${h.users.admin.token}` }).expect(400);
  });
});
