import { AppConfig } from '../src/config/app-config';
import { Flow } from './support/flow';
import { Hospital, disciplineOfficeUser, seedHospital } from './support/hospital';
import { ADMIN_PASSWORD, PASSWORD, TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

type Caller = 'anonymous' | 'admin' | 'inspector' | 'round_lead' | 'department_staff' | 'verifier' | 'discipline_office' | 'leadership' | 'tablet';
const ROLES = ['admin', 'inspector', 'round_lead', 'department_staff', 'verifier', 'discipline_office', 'leadership'] as const;
const SIGNED_IN: Caller[] = [...ROLES, 'tablet'];
const PEOPLE: Caller[] = [...ROLES];
/** The hospital's leadership reads only. */
const WRITERS: Caller[] = SIGNED_IN.filter((caller) => caller !== 'leadership');
const FIGURES: Caller[] = ['admin', 'discipline_office', 'verifier', 'round_lead', 'department_staff', 'leadership'];

/**
 * Who gets past the access guard on each route, the one table every route must be in. A tablet
 * acts as its inspector, for inspector work only, and has no account of its own to log out of,
 * change the password, contacts or notification settings of.
 */
const ROUTE_ACCESS: Record<string, Caller[] | 'public'> = {
  'GET /health': 'public',
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
  // No account opens it: the bearer of METRICS_TOKEN does (test/metrics.e2e-spec.ts); unset here, so 404 to everyone.
  'GET /metrics': 'public',
  'POST /auth/login': 'public',
  'POST /auth/refresh': 'public',
  'POST /auth/logout': PEOPLE,
  'GET /me': SIGNED_IN,
  'POST /me/password': PEOPLE,
  'PATCH /me/contact': PEOPLE,
  'GET /me/notification-settings': PEOPLE,
  'PUT /me/notification-settings': PEOPLE,
  'GET /users': ['admin', 'discipline_office'],
  'POST /users': ['admin'],
  'PATCH /users/{id}': ['admin', 'discipline_office'],
  'POST /users/{id}/password-reset': ['admin', 'discipline_office'],
  // The matrix's verifier sits in a lead office; one outside every lead office is refused (test/people-lookup.e2e-spec.ts).
  'GET /people': ['admin', 'discipline_office', 'round_lead', 'verifier'],
  'GET /devices': ['admin'],
  'POST /devices': ['admin'],
  'DELETE /devices/{id}': ['admin'],
  'GET /departments': SIGNED_IN,
  'POST /departments': ['admin', 'discipline_office'],
  'PATCH /departments/{id}': ['admin'],
  'GET /party-branches': SIGNED_IN,
  'POST /party-branches': ['admin'],
  'GET /party-branches/{id}': SIGNED_IN,
  'PATCH /party-branches/{id}': ['admin'],
  'GET /rounds': SIGNED_IN,
  'POST /rounds': ['round_lead'],
  'GET /rounds/{id}': SIGNED_IN,
  'POST /rounds/{id}/events': ['round_lead'],
  'POST /round-plans': ['round_lead'],
  'GET /round-plans': ['round_lead', 'inspector', 'leadership', 'tablet'],
  'GET /round-plans/{id}': ['round_lead', 'inspector', 'leadership', 'tablet'],
  'PATCH /round-plans/{id}': ['round_lead'],
  'DELETE /round-plans/{id}': ['round_lead'],
  'POST /round-plans/{id}/skip': ['round_lead'],
  'POST /rounds/{id}/findings': ['inspector', 'round_lead', 'tablet'],
  'GET /findings': SIGNED_IN,
  'POST /findings': ['verifier', 'round_lead', 'discipline_office', 'department_staff'],
  'GET /findings/import/template': ['verifier', 'round_lead', 'discipline_office', 'department_staff'],
  'POST /findings/import': ['verifier', 'round_lead', 'discipline_office', 'department_staff'],
  'GET /findings/{id}': SIGNED_IN,
  'POST /findings/{id}/events': ['round_lead', 'department_staff', 'verifier', 'discipline_office'],
  'POST /findings/bulk-events': ['round_lead', 'department_staff', 'verifier', 'discipline_office'],
  'GET /findings/{id}/audit': SIGNED_IN,
  'PUT /findings/{id}/typical-case': ['discipline_office'],
  'DELETE /findings/{id}/typical-case': ['discipline_office'],
  'GET /typical-cases': SIGNED_IN,
  'GET /rounds/{id}/audit': SIGNED_IN,
  'GET /audit': ['discipline_office', 'admin'],
  'GET /audit/verify': ['discipline_office', 'admin'],
  'POST /audit/verifications': ['discipline_office', 'admin'],
  'GET /audit/verifications/{id}': ['discipline_office', 'admin'],
  'GET /audit/head': ['discipline_office', 'admin'],
  'GET /findings/{id}/case-file': SIGNED_IN,
  'GET /follow-ups': ['verifier', 'discipline_office'],
  'POST /interviews': ['discipline_office', 'verifier', 'round_lead'],
  'GET /interviews': SIGNED_IN,
  'GET /interviews/{id}': SIGNED_IN,
  'GET /closure-audits': ['discipline_office', 'admin'],
  'GET /reports/ledger': SIGNED_IN,
  'POST /reports/exports': SIGNED_IN,
  'GET /reports/exports/{id}': SIGNED_IN,
  'GET /reports/exports/{id}/file': SIGNED_IN,
  'GET /reports/monthly': FIGURES,
  'GET /reports/annual': FIGURES,
  'GET /reports/coverage': FIGURES,
  'GET /reports/notice': SIGNED_IN,
  'POST /reports/notice/publish': ['discipline_office', 'admin'],
  'GET /dashboard': SIGNED_IN,
  'POST /closure-audits/samples': ['discipline_office'],
  'POST /attachments': WRITERS,
  'GET /attachments/{id}': SIGNED_IN,
  'GET /attachments/{id}/metadata': SIGNED_IN,
  'GET /attachments/{id}/thumbnail': SIGNED_IN,
  'GET /workflows': SIGNED_IN,
  'GET /workflows/{id}': SIGNED_IN,
  'GET /workflows/labels': SIGNED_IN,
  'GET /checklists': SIGNED_IN,
  'GET /checklists/{id}': SIGNED_IN,
  'POST /checklists': ['admin'],
  'GET /rounds/{id}/results': SIGNED_IN,
  'PUT /rounds/{id}/results/{itemCode}': ['inspector', 'round_lead', 'tablet'],
  'GET /assessments': FIGURES,
  'GET /me/notifications': SIGNED_IN,
  'POST /me/notifications/{id}/read': SIGNED_IN,
  'POST /announcements': ['discipline_office', 'admin'],
  'GET /announcements': ['discipline_office', 'admin'],
  'GET /announcements/{id}': ['discipline_office', 'admin'],
  'DELETE /announcements/{id}': ['discipline_office', 'admin'],
  'POST /webhooks': ['admin'],
  'GET /webhooks': ['admin', 'discipline_office'],
  'PUT /webhooks/{id}/integrity': ['discipline_office'],
  'DELETE /webhooks/{id}': ['admin'],
  'GET /webhooks/{id}/deliveries': ['admin'],
  'POST /webhooks/{id}/deliveries/{deliveryId}/retry': ['admin'],
  'GET /personal-emails': ['admin'],
  'POST /personal-emails/{id}/retry': ['admin'],
};

describe(`access control (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const adminAuth = () => bearer(h.users.admin.token);

  /** A new user with these roles (and department), signed in. */
  async function newUser(username: string, roles: string[], departmentId?: string) {
    const body = { username, password: PASSWORD, displayName: username, roles, departmentId };
    const { id } = (await t.http.post('/users').set(adminAuth()).send(body).expect(201)).body;
    const login = (await t.http.post('/auth/login').send({ username, password: PASSWORD }).expect(200)).body;
    return { id: id as string, token: login.accessToken as string, refreshToken: login.refreshToken as string };
  }

  async function registerTablet(userId: string, name = 'Ward round tablet') {
    return (await t.http.post('/devices').set(adminAuth()).send({ name, userId }).expect(201)).body as { id: string; token: string };
  }

  async function securityEvents(entityId: string): Promise<string[]> {
    const log = await t.http.get(`/audit?entityId=${entityId}&limit=500`).set(adminAuth()).expect(200);
    return log.body.items.map((entry: { event: string }) => entry.event);
  }

  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
    flow = new Flow(t, h);
  });

  afterAll(() => t.close());

  describe('function level', () => {
    it('answers every route for every role and anonymous exactly as the access table says', async () => {
      const document = (await t.http.get('/docs/openapi.json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
      const routes = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
      expect([...routes].sort()).toEqual(Object.keys(ROUTE_ACCESS).sort());

      const tokens: Partial<Record<Caller, string>> = {};
      for (const role of ROLES) {
        const username = `matrix-${role.replace('_', '-')}`;
        // The discipline office exists already: the role is its own to give.
        const user = role === 'discipline_office' ? disciplineOfficeUser(t, h.users, username, h.departments.presidentOffice) : newUser(username, [role], h.departments.presidentOffice);
        tokens[role] = (await user).token;
      }
      const tabletUser = await newUser('matrix-tablet-user', ['inspector']);
      tokens.tablet = (await registerTablet(tabletUser.id)).token;

      const mismatches: string[] = [];
      // Logout last: it ends the caller's session.
      const ordered = routes.sort((a, b) => Number(a === 'POST /auth/logout') - Number(b === 'POST /auth/logout'));
      for (const caller of ['anonymous', ...SIGNED_IN] as Caller[]) {
        for (const route of ordered) {
          const [method, path] = route.split(' ');
          const url = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
          let call = t.http[method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](url);
          if (caller !== 'anonymous') call = call.set(bearer(tokens[caller]!));
          const { status } = method === 'GET' ? await call : await call.send({});
          const allowed = ROUTE_ACCESS[route] === 'public' || (ROUTE_ACCESS[route] as Caller[]).includes(caller);
          const expected = allowed ? 'not 401/403' : caller === 'anonymous' ? '401' : '403';
          const actual = status === 401 || status === 403 ? String(status) : 'not 401/403';
          if (actual !== expected) mismatches.push(`${caller} ${route}: expected ${expected}, got ${status}`);
        }
      }
      expect(mismatches).toEqual([]);
    });

    it('refuses server-owned fields in every body with 400, writing nothing', async () => {
      const { roundId, findingId } = await flow.assignedFinding('administrative');
      const before = await t.counts();
      const attempts: [keyof Hospital['users'], string, string, object][] = [
        ['admin', 'post', '/users', { username: 'mallory', password: PASSWORD, displayName: 'M', roles: ['inspector'], tokenVersion: 7 }],
        ['admin', 'post', '/users', { username: 'mallory', password: PASSWORD, displayName: 'M', roles: ['inspector'], active: false }],
        ['admin', 'patch', `/users/${h.users.inspector.id}`, { username: 'renamed' }],
        ['admin', 'patch', `/users/${h.users.inspector.id}`, { passwordHash: 'x' }],
        ['admin', 'patch', `/users/${h.users.inspector.id}`, { tokenVersion: 0 }],
        ['lead', 'post', '/rounds', { types: ['administrative'], departmentId: h.departments.cardiology, scheduledFor: '2026-11-24', leadId: h.users.lead.id, teamMemberIds: [], state: 'completed' }],
        ['inspector', 'post', `/rounds/${roundId}/findings`, { roundType: 'administrative', title: 'x', description: 'x', severity: 'minor', responsibleDepartmentId: h.departments.cardiology, state: 'closed' }],
        ['inspector', 'post', `/rounds/${roundId}/findings`, { roundType: 'administrative', title: 'x', description: 'x', severity: 'minor', responsibleDepartmentId: h.departments.cardiology, createdBy: h.users.lead.id }],
        ['cardiologyStaff', 'post', `/findings/${findingId}/events`, { type: 'SUBMIT_PLAN', measures: 'x', committedDate: flow.planDate(), responsibleDepartmentId: h.departments.surgery }],
        ['cardiologyStaff', 'post', `/findings/${findingId}/events`, { type: 'SUBMIT_PLAN', measures: 'x', committedDate: flow.planDate(), version: 9 }],
        ['cardiologyStaff', 'post', `/findings/${findingId}/events`, { type: 'DISPUTE', reason: 'not ours', state: 'closed' }],
        ['lead', 'post', `/rounds/${roundId}/events`, { type: 'CANCEL', reason: 'x', createdBy: h.users.admin.id }],
      ];
      for (const [who, method, path, body] of attempts) {
        const response = await t.http[method as 'post' | 'patch'](path).set(bearer(h.users[who].token)).send(body);
        expect({ path, body, status: response.status }).toEqual({ path, body, status: 400 });
        expect(response.body.message).toMatch(/should not exist/);
      }
      expect(await t.counts()).toEqual(before);
    });
  });

  describe('object level', () => {
    it('refuses another department every read and write of its findings and rounds: 404, never a hint', async () => {
      const roundId = await flow.startedRound('administrative', h.departments.surgery);
      const findingId = await flow.logFinding(roundId, 'administrative', { responsibleDepartmentId: h.departments.surgery });
      await flow.as('lead').post(`/rounds/${roundId}/events`, { type: 'SUBMIT' }).expect(200);
      const outsider = flow.as('cardiologyStaff');

      await outsider.get(`/findings/${findingId}`).expect(404);
      await outsider.get(`/findings/${findingId}/audit`).expect(404);
      await outsider.post(`/findings/${findingId}/events`, { type: 'DISPUTE', reason: 'not ours' }).expect(404);
      await outsider.post(`/findings/${findingId}/events`, { type: 'SUBMIT_PLAN', measures: 'x', committedDate: flow.planDate() }).expect(404);
      await outsider.get(`/rounds/${roundId}`).expect(404);
      await outsider.get(`/rounds/${roundId}/audit`).expect(404);
      await outsider.get('/audit').expect(403);
      for (const filter of [`responsibleDepartmentId=${h.departments.surgery}`, `roundId=${roundId}`, 'limit=500']) {
        const listed = await outsider.get(`/findings?${filter}`).expect(200);
        expect(listed.body.items.map((f: { id: string }) => f.id)).not.toContain(findingId);
      }
      const rounds = await outsider.get(`/rounds?departmentId=${h.departments.surgery}`).expect(200);
      expect(rounds.body).toMatchObject({ items: [], total: 0 });

      // The department it belongs to sees and acts on it.
      await flow.as('surgeryStaff').get(`/findings/${findingId}`).expect(200);
      await flow.as('surgeryStaff').get(`/rounds/${roundId}`).expect(200);
      await flow.send('surgeryStaff', findingId, { type: 'SUBMIT_PLAN', measures: 'Daily checks', committedDate: flow.planDate() });
    });

    it('keeps an integrity case from every role outside it, in every read, the audit log included', async () => {
      const { roundId, findingId } = await flow.assignedFinding('integrity');
      await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_PLAN', measures: 'Return the gift', committedDate: flow.planDate() });
      const strangerInspector = await newUser('stranger-inspector', ['inspector']);
      const outside = {
        admin: h.users.admin.token,
        otherLead: h.users.otherLead.token,
        strangerInspector: strangerInspector.token,
        adminVerifier: h.users.adminVerifier.token,
        partyVerifier: h.users.partyVerifier.token,
        surgeryStaff: h.users.surgeryStaff.token,
      };
      for (const [who, token] of Object.entries(outside)) {
        const get = (path: string) => t.http.get(path).set(bearer(token));
        for (const path of [`/findings/${findingId}`, `/findings/${findingId}/audit`, `/rounds/${roundId}`, `/rounds/${roundId}/audit`]) {
          expect({ who, path, status: (await get(path)).status }).toEqual({ who, path, status: 404 });
        }
        const findings = await get('/findings?roundType=integrity&limit=500').expect(200);
        expect({ who, total: findings.body.total }).toEqual({ who, total: 0 });
        const rounds = await get('/rounds?type=integrity&limit=500').expect(200);
        expect({ who, total: rounds.body.total }).toEqual({ who, total: 0 });
      }
      for (const entityId of [findingId, roundId]) {
        const log = await t.http.get(`/audit?entityId=${entityId}`).set(adminAuth()).expect(200);
        expect(log.body).toMatchObject({ items: [], total: 0 });
      }
      // Those inside the case see it, the discipline office its whole log.
      for (const who of ['discipline', 'lead', 'inspector', 'cardiologyStaff'] as const) {
        await flow.as(who).get(`/findings/${findingId}`).expect(200);
      }
      const log = await flow.as('discipline').get(`/audit?entityId=${findingId}`).expect(200);
      expect(log.body.items.map((entry: { event: string }) => entry.event)).toEqual(['LOG_FINDING', 'ASSIGN', 'SUBMIT_PLAN']);
    });
  });

  describe('accounts', () => {
    it('answers GET /me with the signed-in account; a tablet with the account it acts as, for inspector work', async () => {
      const user = await newUser('me-user', ['inspector', 'round_lead'], h.departments.cardiology);
      const me = (await t.http.get('/me').set(bearer(user.token)).expect(200)).body;
      expect(me).toMatchObject({ id: user.id, username: 'me-user', displayName: 'me-user', roles: ['inspector', 'round_lead'], departmentId: h.departments.cardiology, departmentName: 'CARD', leadOfficeFor: [], deviceId: null, timeZone: 'Asia/Shanghai' });
      expect(me).not.toHaveProperty('passwordHash');
      const tablet = await registerTablet(user.id);
      expect((await t.http.get('/me').set(bearer(tablet.token)).expect(200)).body).toMatchObject({ id: user.id, roles: ['inspector'], deviceId: tablet.id });
      await t.http.get('/me').expect(401);
    });

    it('ends every token at once when a user is disabled or its roles change, and audits both', async () => {
      const user = await newUser('changing-user', ['inspector']);
      const tablet = await registerTablet(user.id);
      await t.http.get('/findings').set(bearer(user.token)).expect(200);
      await t.http.get('/findings').set(bearer(tablet.token)).expect(200);

      const changed = await t.http.patch(`/users/${user.id}`).set(adminAuth()).send({ roles: ['round_lead'] }).expect(200);
      expect(changed.body).toMatchObject({ roles: ['round_lead'], active: true });
      await t.http.get('/findings').set(bearer(user.token)).expect(401);
      await t.http.post('/auth/refresh').send({ refreshToken: user.refreshToken }).expect(401);
      // The tablet acts only for an inspector.
      await t.http.get('/findings').set(bearer(tablet.token)).expect(401);

      const again = (await t.http.post('/auth/login').send({ username: 'changing-user', password: PASSWORD }).expect(200)).body;
      expect(again.user.roles).toEqual(['round_lead']);
      await t.http.post('/rounds').set(bearer(again.accessToken)).send({}).expect(400);

      await t.http.patch(`/users/${user.id}`).set(adminAuth()).send({ disabled: true }).expect(200);
      await t.http.get('/findings').set(bearer(again.accessToken)).expect(401);
      await t.http.post('/auth/login').send({ username: 'changing-user', password: PASSWORD }).expect(401);
      await t.http.patch(`/users/${user.id}`).set(adminAuth()).send({ disabled: false }).expect(200);
      await t.http.post('/auth/login').send({ username: 'changing-user', password: PASSWORD }).expect(200);

      expect(await securityEvents(user.id)).toEqual([
        'USER_CREATED',
        'LOGIN_SUCCEEDED',
        'ROLES_CHANGED',
        'LOGIN_SUCCEEDED',
        'USER_DISABLED',
        'LOGIN_FAILED',
        'USER_ENABLED',
        'LOGIN_SUCCEEDED',
      ]);
      const [rolesChanged] = (await t.http.get(`/audit?entityId=${user.id}&event=ROLES_CHANGED`).set(adminAuth()).expect(200)).body.items;
      expect(rolesChanged).toMatchObject({ actorRole: 'admin', entityType: 'user', payload: { from: ['inspector'], to: ['round_lead'] } });
    });

    it('keeps the last active administrator', async () => {
      const users = (await t.http.get('/users?limit=500').set(adminAuth()).expect(200)).body.items as { id: string; username: string; roles: string[]; active: boolean }[];
      const admin = users.find((u) => u.username === 'admin')!;
      for (const other of users.filter((u) => u.roles.includes('admin') && u.active && u.id !== admin.id)) {
        await t.http.patch(`/users/${other.id}`).set(adminAuth()).send({ disabled: true }).expect(200);
      }
      await t.http.patch(`/users/${admin.id}`).set(adminAuth()).send({ disabled: true }).expect(409);
      // Nor may it give its own role away: nobody changes their own roles.
      await t.http.patch(`/users/${admin.id}`).set(adminAuth()).send({ roles: ['inspector'] }).expect(403);
      await t.http.get('/users').set(adminAuth()).expect(200);
    });

    it('holds passwords to the policy, naming the field', async () => {
      const create = (username: string, password: string) =>
        t.http.post('/users').set(adminAuth()).send({ username, password, displayName: username, roles: ['inspector'] });
      const short = await create('policy-user', 'short-pass').expect(400);
      expect(short.body.details).toEqual([{ field: 'password', reason: 'must be at least 12 characters' }]);
      const own = await create('policy-user', 'my-Policy-User-password').expect(400);
      expect(own.body.details).toEqual([{ field: 'password', reason: 'must not contain the username' }]);
      const common = await create('policy-user', 'Password1234').expect(400);
      expect(common.body.details[0].field).toBe('password');
      await create('policy-user', 'a ward round passphrase').expect(201);
    });

    it('resets a password: old tokens end, the user may only choose a new one, then works again', async () => {
      const user = await newUser('forgetful', ['inspector']);
      const reset = await t.http.post(`/users/${user.id}/password-reset`).set(adminAuth()).expect(200);
      const temporary = reset.body.temporaryPassword as string;
      expect(temporary.length).toBeGreaterThanOrEqual(12);
      await t.http.get('/findings').set(bearer(user.token)).expect(401);

      const login = (await t.http.post('/auth/login').send({ username: 'forgetful', password: temporary }).expect(200)).body;
      expect(login.user.mustChangePassword).toBe(true);
      const refused = await t.http.get('/findings').set(bearer(login.accessToken)).expect(403);
      expect(refused.body.message).toMatch(/POST \/me\/password/);

      const change = (body: object) => t.http.post('/me/password').set(bearer(login.accessToken)).send(body);
      const wrong = await change({ currentPassword: 'not-the-temporary', newPassword: 'a fresh ward passphrase' }).expect(400);
      expect(wrong.body.details).toEqual([{ field: 'currentPassword', reason: 'is not your current password' }]);
      const [failed] = (await t.http.get(`/audit?entityId=${user.id}&event=LOGIN_FAILED`).set(adminAuth()).expect(200)).body.items;
      expect(failed).toMatchObject({ entityType: 'user', payload: { username: 'forgetful', reason: 'wrong current password on a password change' } });
      await change({ currentPassword: temporary, newPassword: 'forgetful-again-2026' }).expect(400);
      const changed = (await change({ currentPassword: temporary, newPassword: 'a fresh ward passphrase' }).expect(200)).body;
      expect(changed.user.mustChangePassword).toBe(false);
      await t.http.get('/findings').set(bearer(login.accessToken)).expect(401);
      await t.http.get('/findings').set(bearer(changed.accessToken)).expect(200);
      await t.http.post('/auth/login').send({ username: 'forgetful', password: temporary }).expect(401);
      expect(await securityEvents(user.id)).toEqual(
        expect.arrayContaining(['PASSWORD_RESET', 'PASSWORD_CHANGED']),
      );
    });

    it('rotates refresh tokens, forgives one retry, ends the session on reuse, and logs out', async () => {
      const user = await newUser('refresher', ['inspector']);
      const first = (await t.http.post('/auth/refresh').send({ refreshToken: user.refreshToken }).expect(200)).body;
      expect(first.refreshToken).not.toBe(user.refreshToken);
      await t.http.get('/findings').set(bearer(first.accessToken)).expect(200);

      // The answer was lost on the ward's Wi-Fi: the tablet retries with the token it still has.
      const retried = (await t.http.post('/auth/refresh').send({ refreshToken: user.refreshToken }).expect(200)).body;
      const second = (await t.http.post('/auth/refresh').send({ refreshToken: retried.refreshToken }).expect(200)).body;

      // Presenting a token two refreshes old means someone else holds it: the whole session ends.
      await t.http.post('/auth/refresh').send({ refreshToken: user.refreshToken }).expect(401);
      await t.http.post('/auth/refresh').send({ refreshToken: second.refreshToken }).expect(401);
      await t.http.get('/findings').set(bearer(second.accessToken)).expect(401);
      expect(await securityEvents(user.id)).toContain('SESSION_REVOKED');

      const login = (await t.http.post('/auth/login').send({ username: 'refresher', password: PASSWORD }).expect(200)).body;
      await t.http.post('/auth/logout').set(bearer(login.accessToken)).expect(204);
      await t.http.get('/findings').set(bearer(login.accessToken)).expect(401);
      await t.http.post('/auth/refresh').send({ refreshToken: login.refreshToken }).expect(401);
      await t.http.post('/auth/refresh').send({ refreshToken: 'not-a-token' }).expect(400);
    });

    it('registers a tablet that does inspector work only, lists it without its token, and revokes it', async () => {
      const both = await newUser('lead-and-inspector', ['inspector', 'round_lead']);
      const notInspector = await t.http.post('/devices').set(adminAuth()).send({ name: 'x', userId: h.users.lead.id }).expect(400);
      expect(notInspector.body.details).toEqual([{ field: 'userId', reason: 'must name an active user with the inspector role' }]);

      const keysBefore = (await t.counts()).idempotency_keys;
      const tablet = (
        await t.http.post('/devices').set({ ...adminAuth(), 'Idempotency-Key': 'tablet-7' }).send({ name: 'Tablet 7', userId: both.id }).expect(201)
      ).body as { id: string; token: string };
      expect(tablet.token).toMatch(/^trd_/);
      // A token is never stored for replay, not even under an Idempotency-Key.
      expect((await t.counts()).idempotency_keys).toBe(keysBefore);
      const roundId = (
        await t.http
          .post('/rounds')
          .set(bearer(both.token))
          .send({ types: ['administrative'], departmentId: h.departments.cardiology, scheduledFor: '2026-11-24', leadId: both.id, teamMemberIds: [both.id] })
          .expect(201)
      ).body.id;
      await t.http.post(`/rounds/${roundId}/events`).set(bearer(both.token)).send({ type: 'START' }).expect(200);

      await t.http.post('/rounds').set(bearer(tablet.token)).send({}).expect(403);
      await t.http.post(`/rounds/${roundId}/events`).set(bearer(tablet.token)).send({ type: 'SUBMIT' }).expect(403);
      const logged = await t.http
        .post(`/rounds/${roundId}/findings`)
        .set(bearer(tablet.token))
        .send({ roundType: 'administrative', title: 'Fire door wedged open', description: 'Corridor B', severity: 'minor', responsibleDepartmentId: h.departments.cardiology })
        .expect(201);
      const [entry] = (await flow.as('discipline').get(`/findings/${logged.body.id}/audit`).expect(200)).body.items;
      expect(entry).toMatchObject({ actorId: both.id, actorRole: 'inspector', event: 'LOG_FINDING' });

      const listed = await t.http.get('/devices').set(adminAuth()).expect(200);
      const row = listed.body.items.find((d: { id: string }) => d.id === tablet.id);
      expect(row).toMatchObject({ name: 'Tablet 7', userId: both.id, revokedAt: null });
      expect(row).not.toHaveProperty('token');
      expect(JSON.stringify(listed.body)).not.toContain(tablet.token);

      // Clients that label an empty body as JSON are answered as if they sent none.
      await t.http.delete(`/devices/${tablet.id}`).set({ ...adminAuth(), 'content-type': 'application/json' }).expect(204);
      await t.http.delete(`/devices/${tablet.id}`).set(adminAuth()).expect(204);
      await t.http.get('/findings').set(bearer(tablet.token)).expect(401);
      expect(await securityEvents(tablet.id)).toEqual(['DEVICE_REGISTERED', 'DEVICE_REVOKED']);
    });

    it('records logins in the audit log, with the address, for the administrator and the discipline office', async () => {
      await t.http.post('/auth/login').send({ username: 'nobody-here', password: 'whatever-it-is' }).expect(401);
      for (const token of [h.users.admin.token, h.users.discipline.token]) {
        const failed = await t.http.get('/audit?event=LOGIN_FAILED&limit=500').set(bearer(token)).expect(200);
        expect(failed.body.items).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ actorId: null, actorRole: 'anonymous', entityType: 'user', entityId: null, payload: expect.objectContaining({ usernameHmac: expect.any(String), reason: 'unknown username', address: expect.any(String) }) }),
          ]),
        );
      }
      const admins = await t.http.get('/audit?entityType=user&event=LOGIN_SUCCEEDED&limit=500').set(adminAuth()).expect(200);
      expect(admins.body.total).toBeGreaterThan(0);
    });
  });

  describe('hardening', () => {
    it('sends security headers, no CORS unless configured, and no internals in error bodies', async () => {
      const health = await t.http.get('/health').expect(200);
      expect(health.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN' });
      expect(health.headers['content-security-policy']).toContain("default-src 'self'");
      expect(health.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      const docs = await t.http.get('/docs').redirects(1).expect(200);
      expect(docs.text).toContain('swagger-ui');
      const preflight = await t.http.options('/findings').set({ Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' });
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      const malformed = await t.http.post('/auth/login').set('content-type', 'application/json').send('{"username":').expect(400);
      expect(JSON.stringify(malformed.body)).not.toMatch(/at .*\.js|node_modules|SELECT/);
      const poisoned = await t.http.post('/auth/login').set('content-type', 'application/json').send('{"username":"a","password":"b","__proto__":{"admin":true}}');
      expect(poisoned.status).toBe(400);
    });

    it('refuses to start in production without a JWT secret', () => {
      expect(() => AppConfig.fromEnvironment({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET: must be set in production/);
      expect(AppConfig.fromEnvironment({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).jwtSecretGenerated).toBe(false);
    });
  });
});

describe(`throttling (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  // Long enough that five logins (each an argon2 verification) fit in the window on a busy machine.
  const LOCKOUT_SECONDS = 3;
  const SLOWDOWN_MS = 150;

  beforeAll(async () => {
    t = await startApp({
      LOGIN_MAX_FAILURES: '3',
      LOGIN_MAX_FAILURES_PER_ADDRESS: '5',
      LOGIN_LOCKOUT_SECONDS: String(LOCKOUT_SECONDS),
      LOGIN_SLOWDOWN_MS: String(SLOWDOWN_MS),
      WRITES_PER_MINUTE: '3',
    });
  });

  afterAll(() => t.close());

  const login = (username: string, password: string) => t.http.post('/auth/login').send({ username, password });
  const waitOutLockout = () => new Promise((resolve) => setTimeout(resolve, LOCKOUT_SECONDS * 1000 + 200));

  it('slows repeated failures, locks the account out with 429 and Retry-After, and lets it in after the window', async () => {
    await login('admin', 'wrong-password-1').expect(401);
    await login('admin', 'wrong-password-2').expect(401);
    const started = Date.now();
    await login('admin', 'wrong-password-3').expect(401);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * SLOWDOWN_MS);

    const locked = await login('admin', ADMIN_PASSWORD).expect(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(locked.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });

    await waitOutLockout();
    const token = (await login('admin', ADMIN_PASSWORD).expect(200)).body.accessToken;
    const log = await t.http.get('/audit?entityType=user&limit=500').set('Authorization', `Bearer ${token}`).expect(200);
    const events = log.body.items.map((entry: { event: string }) => entry.event);
    expect(events.filter((event: string) => event === 'LOGIN_FAILED')).toHaveLength(3);
    expect(events.filter((event: string) => event === 'LOGIN_LOCKED_OUT')).toHaveLength(1);
  });

  it('limits each user\'s writes per minute with 429 and Retry-After', async () => {
    await waitOutLockout();
    const token = (await login('admin', ADMIN_PASSWORD).expect(200)).body.accessToken;
    const create = (code: string) => t.http.post('/departments').set('Authorization', `Bearer ${token}`).send({ code, name: code, kind: 'clinical' });
    for (const code of ['A1', 'A2', 'A3']) await create(code).expect(201);
    const refused = await create('A4').expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    await t.http.get('/departments').set('Authorization', `Bearer ${token}`).expect(200);
  });
});
