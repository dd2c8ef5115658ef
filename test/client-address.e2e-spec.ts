import { AppConfig } from '../src/config/app-config';
import { ADMIN_PASSWORD, TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface AuditEntry {
  requestId: string;
  payload: { address?: string; reason?: string };
}

/** What the service believes about a client: its address behind proxies, and the id of its request. */
describe(`the client's address and request id (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let adminToken: string;

  afterEach(() => t?.close());

  const start = async (environment: Record<string, string>) => {
    t = await startApp(environment);
    adminToken = await t.login('admin', ADMIN_PASSWORD);
  };
  const login = (headers: Record<string, string>, username: string, password: string) =>
    t.http.post('/auth/login').set(headers).send({ username, password });
  /** A failed login under a name of its own, so no name is locked out by failing again from one address. */
  let tries = 0;
  const failLogin = (headers: Record<string, string>) => login(headers, `nobody-${++tries}`, 'a-guess-at-nothing').expect(401);
  const failedLogins = async (): Promise<AuditEntry[]> =>
    (await t.http.get('/audit?event=LOGIN_FAILED&limit=500').set('Authorization', `Bearer ${adminToken}`).expect(200)).body.items;
  /** The address recorded for a failed login sent with this X-Forwarded-For. */
  const addressSeen = async (forwardedFor: string): Promise<string | undefined> => {
    const response = await failLogin({ 'X-Forwarded-For': forwardedFor });
    return (await failedLogins()).find((entry) => entry.requestId === response.headers['x-request-id'])?.payload.address;
  };

  describe.each(['1', 'true'])('behind one trusted proxy (TRUST_PROXY=%s)', (trustProxy) => {
    it('believes the address the proxy saw: a client naming its own in X-Forwarded-For cannot escape the address lockout', async () => {
      await start({ TRUST_PROXY: trustProxy, LOGIN_MAX_FAILURES_PER_ADDRESS: '3' });
      // The client sends its own X-Forwarded-For; the proxy adds the address it saw, 203.0.113.7.
      for (const forged of ['198.51.100.1', '198.51.100.2, 192.0.2.9', '198.51.100.3']) {
        await failLogin({ 'X-Forwarded-For': `${forged}, 203.0.113.7` });
      }
      await login({ 'X-Forwarded-For': '192.0.2.200, 203.0.113.7' }, 'admin', ADMIN_PASSWORD).expect(429);
      await login({ 'X-Forwarded-For': '203.0.113.7' }, 'admin', ADMIN_PASSWORD).expect(429);
      await login({ 'X-Forwarded-For': '203.0.113.8' }, 'admin', ADMIN_PASSWORD).expect(200);
      expect(new Set((await failedLogins()).map((entry) => entry.payload.address))).toEqual(new Set(['203.0.113.7']));
    });
  });

  it('believes only the proxies listed (TRUST_PROXY=127.0.0.1,10.0.0.0/8)', async () => {
    await start({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' });
    // From the right: the test's own connection (127.0.0.1) and 10.1.2.3 are proxies; 198.51.100.9 is
    // the first that is not, so it is the client, and what it claims before it is not believed.
    expect(await addressSeen('192.0.2.1, 198.51.100.9, 10.1.2.3')).toBe('198.51.100.9');
    expect(await addressSeen('192.0.2.1')).toBe('192.0.2.1');

    t = await t.restart({ TRUST_PROXY: '10.0.0.0/8' });
    // The connection itself does not come from a listed proxy: its X-Forwarded-For is not believed.
    expect(await addressSeen('192.0.2.1, 10.1.2.3')).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
  });

  it('keeps a short plain X-Request-Id, and makes a new one for any other, in the answer and the audit log', async () => {
    await start({});
    const plain = 'ward-7_login_0042';
    expect((await t.http.get('/health').set('X-Request-Id', plain).expect(200)).headers['x-request-id']).toBe(plain);
    const kept = await failLogin({ 'X-Request-Id': plain });
    expect(kept.headers['x-request-id']).toBe(plain);
    expect((await failedLogins()).filter((entry) => entry.requestId === plain)).toHaveLength(1);
    expect((await failLogin({ 'X-Request-Id': 'x'.repeat(64) })).headers['x-request-id']).toBe('x'.repeat(64));

    const refused = ['x'.repeat(65), 'two words', 'line\tbreak', 'naïve', '../../etc/passwd', '<script>', "id'); DROP TABLE users;--", '{"a":1}', 'a,b', ''];
    for (const given of refused) {
      const response = await failLogin({ 'X-Request-Id': given });
      const made = response.headers['x-request-id'];
      expect(made).toMatch(UUID);
      expect((await failedLogins()).filter((entry) => entry.requestId === made)).toHaveLength(1);
    }
    expect((await failedLogins()).filter((entry) => refused.includes(entry.requestId))).toEqual([]);
    // Without one, each request has its own.
    const [first, second] = await Promise.all([t.http.get('/health'), t.http.get('/health')]);
    expect(first.headers['x-request-id']).toMatch(UUID);
    expect(first.headers['x-request-id']).not.toBe(second.headers['x-request-id']);
  });
});

describe('TRUST_PROXY', () => {
  const trustProxy = (value: string) => AppConfig.fromEnvironment({ TRUST_PROXY: value });

  it('takes a hop count or the proxies\' addresses and ranges; true still means one hop, with a warning', () => {
    expect(AppConfig.fromEnvironment({}).trustProxy).toBe(false);
    expect(trustProxy('false').trustProxy).toBe(false);
    expect(trustProxy('0').trustProxy).toBe(false);
    expect(trustProxy('2').trustProxy).toBe(2);
    expect(trustProxy('10.0.0.5, 10.1.0.0/16,::1,fd00::/8').trustProxy).toEqual(['10.0.0.5', '10.1.0.0/16', '::1', 'fd00::/8']);
    expect(trustProxy('1').warnings).toEqual([]);
    const legacy = trustProxy('true');
    expect(legacy.trustProxy).toBe(1);
    expect(legacy.warnings).toEqual([expect.stringMatching(/^TRUST_PROXY=true now means one hop/)]);
  });

  it.each(['yes', '*', 'all', '-1', '1.5', '10.0.0.0/33', '10.0.0.256', '10.1', '10.0.0.5,', 'proxy.example', '10.0.0.5 10.0.0.6'])(
    'refuses %p at start, saying what it takes',
    (value) => {
      expect(() => trustProxy(value)).toThrow(/TRUST_PROXY: must be a hop count \(e\.g\. 1\), or the proxies' addresses and CIDR ranges, comma-separated/);
    },
  );
});
