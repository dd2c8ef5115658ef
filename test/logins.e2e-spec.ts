import { ADMIN_PASSWORD, PASSWORD, TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

interface AuditEntry {
  event: string;
  entityId: string | null;
  requestId: string;
  payload: Record<string, unknown>;
}

/**
 * Login throttling as rate-limiter-flexible's login endpoint protection has it. The service sits
 * behind one trusted proxy here, so each test signs in from addresses of its own (the last
 * X-Forwarded-For entry, the one the proxy adds) and no test's lockouts reach another's.
 */
describe(`logins (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  const MAX_FAILURES = 3;
  const MAX_FAILURES_PER_ADDRESS = 6;
  const LOCKOUT_SECONDS = 60;
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    t = await startApp({
      TRUST_PROXY: '1',
      LOGIN_MAX_FAILURES: String(MAX_FAILURES),
      LOGIN_MAX_FAILURES_PER_ADDRESS: String(MAX_FAILURES_PER_ADDRESS),
      LOGIN_LOCKOUT_SECONDS: String(LOCKOUT_SECONDS),
    });
    adminToken = await t.login('admin', ADMIN_PASSWORD);
  });

  afterAll(() => t.close());

  const login = (from: string, username: string, password: string) =>
    t.http.post('/auth/login').set('X-Forwarded-For', from).send({ username, password });

  async function newUser(username: string): Promise<string> {
    const body = { username, password: PASSWORD, displayName: username, roles: ['inspector'] };
    return (await t.http.post('/users').set('Authorization', `Bearer ${adminToken}`).send(body).expect(201)).body.id as string;
  }

  async function auditEntries(query: string): Promise<AuditEntry[]> {
    return (await t.http.get(`/audit?limit=500&${query}`).set('Authorization', `Bearer ${adminToken}`).expect(200)).body.items;
  }

  it('counts an attempt before its password is checked: parallel guesses cannot pass the limit', async () => {
    const userId = await newUser('parallel-target');
    const guesses = await Promise.all(Array.from({ length: 12 }, (_, i) => login('198.51.100.1', 'parallel-target', `wrong-guess-number-${i}`)));
    const statuses = guesses.map((response) => response.status);
    expect(statuses.filter((status) => status !== 401 && status !== 429)).toEqual([]);
    const checked = statuses.filter((status) => status === 401).length;
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(MAX_FAILURES);

    const wrongPasswords = (await auditEntries(`entityId=${userId}&event=LOGIN_FAILED`)).filter((e) => e.payload.reason === 'wrong password');
    expect(wrongPasswords).toHaveLength(checked);
    // Locked out now: the right password is refused too, without being checked.
    const locked = await login('198.51.100.1', 'parallel-target', PASSWORD).expect(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(await auditEntries(`entityId=${userId}&event=LOGIN_FAILED`)).toHaveLength(checked);
  });

  it('locks a username out at the address it failed from only: the user still signs in from another', async () => {
    const userId = await newUser('roaming-nurse');
    for (let i = 1; i <= MAX_FAILURES; i++) await login('203.0.113.10', 'roaming-nurse', `someone-elses-guess-${i}`).expect(401);
    await login('203.0.113.10', 'roaming-nurse', PASSWORD).expect(429);
    // The nurse at the ward's own address is not locked out by someone guessing elsewhere.
    await login('203.0.113.20', 'roaming-nurse', PASSWORD).expect(200);
    await login('203.0.113.10', 'roaming-nurse', PASSWORD).expect(429);

    const [lockout] = await auditEntries(`entityId=${userId}&event=LOGIN_LOCKED_OUT`);
    expect(lockout.payload).toEqual({
      username: 'roaming-nurse',
      lockedOut: [{ scope: 'username at address', seconds: LOCKOUT_SECONDS }],
      address: '203.0.113.10',
    });
  });

  it('starts the count of failures in a row again after a success', async () => {
    await newUser('forgetful-twice');
    const fail = () => login('203.0.113.30', 'forgetful-twice', 'not-quite-the-password').expect(401);
    for (let i = 1; i < MAX_FAILURES; i++) await fail();
    await login('203.0.113.30', 'forgetful-twice', PASSWORD).expect(200);
    for (let i = 1; i < MAX_FAILURES; i++) await fail();
    await login('203.0.113.30', 'forgetful-twice', PASSWORD).expect(200);
  });

  it('locks out an address that fails over many usernames, counting failures only, and no other address', async () => {
    await newUser('shared-desk');
    // Successes from an address are not charged to it.
    for (let i = 1; i < MAX_FAILURES_PER_ADDRESS; i++) await login('203.0.113.40', `sweep-${i}`, 'guess-guess-guess').expect(401);
    for (let i = 0; i < 3; i++) await login('203.0.113.40', 'shared-desk', PASSWORD).expect(200);
    await login('203.0.113.40', `sweep-${MAX_FAILURES_PER_ADDRESS}`, 'guess-guess-guess').expect(401);

    const locked = await login('203.0.113.40', 'shared-desk', PASSWORD).expect(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(LOCKOUT_SECONDS);
    await login('203.0.113.41', 'shared-desk', PASSWORD).expect(200);
    const lockouts = (await auditEntries('event=LOGIN_LOCKED_OUT')).filter((e) => e.payload.address === '203.0.113.40');
    expect(lockouts.map((e) => e.payload.lockedOut)).toEqual([[{ scope: 'address', seconds: 86_400 }]]);
  });

  it('keeps a typed name that is no account out of the audit log, recording its HMAC instead', async () => {
    const typedPassword = 'Winter-Ward-Passphrase-2026';
    for (let i = 0; i < MAX_FAILURES; i++) await login('203.0.113.50', typedPassword, 'and-something-else').expect(401);
    await login('203.0.113.51', typedPassword, 'and-something-else').expect(401);
    const userId = await newUser('known-nurse');
    await login('203.0.113.51', 'known-nurse', 'wrong-password-here').expect(401);

    const failed = (await auditEntries('event=LOGIN_FAILED')).filter((e) => String(e.payload.address).startsWith('203.0.113.5'));
    const unknown = failed.filter((e) => e.payload.reason === 'unknown username');
    expect(unknown).toHaveLength(MAX_FAILURES + 1);
    for (const entry of unknown) {
      expect(entry.payload).toEqual({ usernameHmac: expect.stringMatching(/^[0-9a-f]{64}$/), reason: 'unknown username', address: expect.any(String) });
    }
    // The same name gives the same HMAC, so repeated tries with it still show.
    expect(new Set(unknown.map((e) => e.payload.usernameHmac)).size).toBe(1);
    expect(failed.find((e) => e.entityId === userId)?.payload).toEqual({ username: 'known-nurse', reason: 'wrong password', address: '203.0.113.51' });
    const [lockout] = (await auditEntries('event=LOGIN_LOCKED_OUT')).filter((e) => e.payload.address === '203.0.113.50');
    expect(lockout.payload).toMatchObject({ usernameHmac: unknown[0].payload.usernameHmac });

    // Nowhere in the log, in any letter case.
    const everything = JSON.stringify(await t.dataSource.query('SELECT * FROM audit_entries')).toLowerCase();
    expect(everything).not.toContain(typedPassword.toLowerCase());
  });
});
