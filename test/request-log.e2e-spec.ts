import { PASSWORD, RunningService, onPostgres, seedHospital, startService } from '../bench/service';

/** A request log line as the service writes it (pino JSON). */
interface RequestLine {
  msg: string;
  reqId: string;
  userId: string | null;
  method: string;
  route: string;
  status: number;
  ms: number;
}

const SECRET_QUERY = 'query-text-never-logged';
const FILE_MARKER = 'file-content-never-logged';

/**
 * The built service logging at `info`, as it would in production: one JSON line per request with
 * its id, the caller, the route's pattern, status and duration; never a password, token, query text
 * or file content, whatever the request carried.
 */
describe(`the request log (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let service: RunningService;

  beforeAll(async () => {
    service = await startService(2, { LOG_LEVEL: 'info' });
  }, 120_000);

  afterAll(() => service?.stop());

  const requestLines = (): RequestLine[] =>
    service
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as RequestLine)
      .filter((line) => line.msg === 'request');

  it('writes one line per request with its id, caller, route, status and duration, and nothing a client sent', async () => {
    const h = await seedHospital(service.api);
    const origin = service.api.origin;
    const refused = await service.api.call('POST', '/auth/login', null, { username: 'inspector', password: 'wrong-password-in-body' });
    expect(refused.status).toBe(401);
    const session = await service.api.expectOk('POST', '/auth/login', null, { username: 'inspector', password: PASSWORD });
    await service.api.expectOk('POST', '/auth/refresh', null, { refreshToken: session.refreshToken });

    const form = new FormData();
    const pdf = Buffer.from(`%PDF-1.4\n% ${FILE_MARKER}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
    form.append('file', new Blob([new Uint8Array(pdf)], { type: 'application/pdf' }), `${FILE_MARKER}.pdf`);
    const upload = await fetch(`${origin}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${h.inspector.token}`, 'x-request-id': 'upload-1' }, body: form });
    expect(upload.status).toBe(201);
    const { id: attachmentId } = (await upload.json()) as { id: string };
    const listed = await fetch(`${origin}/people?q=${SECRET_QUERY}`, { headers: { authorization: `Bearer ${h.verifier.token}`, 'x-request-id': 'people-1' } });
    await listed.text();

    // Lines are written as answers leave; give the last ones a moment to reach the pipe.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const lines = requestLines();
    const byId = (reqId: string) => lines.filter((line) => line.reqId === reqId);
    expect(byId('upload-1')).toEqual([{ ...byId('upload-1')[0], userId: h.inspector.id, method: 'POST', route: '/attachments', status: 201, ms: expect.any(Number) }]);
    expect(byId('people-1')).toEqual([{ ...byId('people-1')[0], userId: h.verifier.id, method: 'GET', route: '/people', status: listed.status }]);
    const failedLogin = lines.filter((line) => line.route === '/auth/login' && line.status === 401);
    expect(failedLogin).toHaveLength(1);
    expect(failedLogin[0].userId).toBeNull();
    // Every line has an id of its own: one line per request.
    expect(new Set(lines.map((line) => line.reqId)).size).toBe(lines.length);
    expect(lines.every((line) => line.ms >= 0 && line.route.startsWith('/'))).toBe(true);
    expect(attachmentId).toMatch(/^[0-9a-f-]{36}$/);

    const output = service.output();
    for (const secret of [PASSWORD, 'wrong-password-in-body', session.accessToken, session.refreshToken, h.inspector.token, h.verifier.token, SECRET_QUERY, FILE_MARKER]) {
      expect(output.includes(secret) ? secret : null).toBeNull();
    }
  });
});
