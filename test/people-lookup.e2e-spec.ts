import { Hospital, seedHospital } from './support/hospital';
import { PASSWORD, TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

/**
 * The people lookup planners pick a round's lead and team from (GET /people): open to those who
 * plan rounds, answering a name, a department and the planning roles of active inspectors and round
 * leads, nothing of their accounts; the name searched as plain text, by pages sorted by name.
 */
describe(`the people lookup (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const lookup = (token: string, query: Record<string, string | number> = {}) => t.http.get('/people').query(query).set(bearer(token));
  const names = async (query: Record<string, string | number>) => (await lookup(h.users.lead.token, { limit: 500, ...query }).expect(200)).body.items.map((person: { displayName: string }) => person.displayName);

  async function newUser(username: string, displayName: string, roles: string[], departmentId?: string) {
    const body = { username, password: PASSWORD, displayName, roles, departmentId };
    const { id } = (await t.http.post('/users').set(bearer(h.users.admin.token)).send(body).expect(201)).body;
    return id as string;
  }

  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
    await newUser('percent', 'Ward 50% cover', ['inspector'], h.departments.cardiology);
    await newUser('fivehundred', 'Ward 500 cover', ['inspector'], h.departments.cardiology);
    await newUser('underscore', 'snake_case', ['inspector']);
    await newUser('snakexcase', 'snakeXcase', ['inspector']);
    await newUser('backslash', 'back\\slash', ['round_lead']);
    await newUser('backxslash', 'backxslash', ['round_lead']);
    for (const n of [1, 2, 3, 4, 5]) await newUser(`pager-${n}`, `Pager ${n}`, n % 2 ? ['inspector', 'round_lead'] : ['inspector'], h.departments.surgery);
  });

  afterAll(() => t.close());

  it('is for those who plan rounds: round leads, the lead offices, the discipline office and administrators', async () => {
    for (const who of ['lead', 'adminVerifier', 'partyVerifier', 'discipline', 'auditor', 'admin'] as const) {
      expect({ who, status: (await lookup(h.users[who].token)).status }).toEqual({ who, status: 200 });
    }
    await newUser('ward-verifier', 'Ward verifier', ['verifier'], h.departments.cardiology);
    const tabletUser = await newUser('tablet-user', 'Tablet user', ['inspector']);
    const tablet = (await t.http.post('/devices').set(bearer(h.users.admin.token)).send({ name: 'Ward tablet', userId: tabletUser }).expect(201)).body.token as string;
    await newUser('leader', 'Leader', ['leadership']);
    const refused = { inspector: h.users.inspector.token, cardiologyStaff: h.users.cardiologyStaff.token, outsideVerifier: await t.login('ward-verifier'), leadership: await t.login('leader'), tablet };
    for (const [who, token] of Object.entries(refused)) {
      expect({ who, status: (await lookup(token)).status }).toEqual({ who, status: 403 });
    }
    expect((await t.http.get('/people')).status).toBe(401);
  });

  it('answers a name, a department and the planning roles of active inspectors and round leads, nothing of their accounts', async () => {
    const { body } = await lookup(h.users.adminVerifier.token, { q: '50% c' }).expect(200);
    expect(body.items).toEqual([{ id: expect.any(String), displayName: 'Ward 50% cover', department: { id: h.departments.cardiology, name: 'CARD' }, roles: ['inspector'] }]);
    const everyone = (await lookup(h.users.admin.token, { limit: 500 }).expect(200)).body.items as Record<string, unknown>[];
    for (const person of everyone) expect(Object.keys(person).sort()).toEqual(['department', 'displayName', 'id', 'roles']);
    const listed = everyone.map((person) => person.id);
    expect(listed).toEqual(expect.arrayContaining([h.users.lead.id, h.users.otherLead.id, h.users.inspector.id]));
    // Offices' staff, verifiers and the discipline office are nobody's to pick for a round.
    for (const id of [h.users.cardiologyStaff.id, h.users.adminVerifier.id, h.users.discipline.id, h.users.auditor.id]) expect(listed).not.toContain(id);
    expect(everyone.find((person) => person.id === h.users.lead.id)).toMatchObject({ displayName: 'lead', department: null, roles: ['round_lead'] });

    // A disabled account is no one's to pick.
    const gone = await newUser('gone', 'Gone inspector', ['inspector']);
    expect(await names({ q: 'gone' })).toEqual(['Gone inspector']);
    await t.http.patch(`/users/${gone}`).set(bearer(h.users.admin.token)).send({ disabled: true }).expect(200);
    expect(await names({ q: 'gone' })).toEqual([]);
    // The username is not searched: the lookup never tells one.
    expect(await names({ q: 'fivehundred' })).toEqual([]);
  });

  it('takes the searched text literally: %, _ and \\ match only themselves', async () => {
    expect(await names({ q: '50%' })).toEqual(['Ward 50% cover']);
    // Each database sorts punctuation its own way: only what is found is compared here.
    expect((await names({ q: 'WARD 50' })).sort()).toEqual(['Ward 50% cover', 'Ward 500 cover']);
    expect(await names({ q: 'snake_' })).toEqual(['snake_case']);
    expect(await names({ q: 'back\\' })).toEqual(['back\\slash']);
    expect(await names({ q: '%' })).toEqual(['Ward 50% cover']);
    expect(await names({ q: '_' })).toEqual(['snake_case']);
    expect(await names({ q: "' OR 1=1 --" })).toEqual([]);
    expect(await names({ q: '.*' })).toEqual([]);
  });

  it('filters by role and department and answers by pages sorted by name', async () => {
    expect(await names({ q: 'pager', role: 'round_lead' })).toEqual(['Pager 1', 'Pager 3', 'Pager 5']);
    expect(await names({ departmentId: h.departments.surgery })).toEqual(['Pager 1', 'Pager 2', 'Pager 3', 'Pager 4', 'Pager 5']);
    const second = (await lookup(h.users.lead.token, { q: 'pager', limit: 2, offset: 2 }).expect(200)).body;
    expect(second).toMatchObject({ total: 5, limit: 2, offset: 2 });
    expect(second.items.map((person: { displayName: string }) => person.displayName)).toEqual(['Pager 3', 'Pager 4']);
  });

  it('refuses what it does not take with 400 naming the field', async () => {
    const refused = async (query: Record<string, string>, field: string) => {
      const response = await lookup(h.users.lead.token, query);
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      expect(response.body.details.map((problem: { field: string }) => problem.field)).toContain(field);
    };
    await refused({ q: 'x'.repeat(101) }, 'q');
    await refused({ role: 'admin' }, 'role');
    await refused({ role: 'discipline_office' }, 'role');
    await refused({ departmentId: "1' OR '1'='1" }, 'departmentId');
    await refused({ sort: 'username' }, 'sort');
    await refused({ username: 'lead' }, 'username');
    await refused({ limit: '501' }, 'limit');
    const repeated = await t.http.get('/people?q=a&q=b').set(bearer(h.users.lead.token));
    expect(repeated.status).toBe(400);
  });
});
