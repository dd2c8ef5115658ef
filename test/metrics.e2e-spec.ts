import { randomUUID } from 'node:crypto';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');
const METRICS_TOKEN = 'a-metrics-token-for-tests-0123';

/** The value of the sample `name` whose labels include every one of `labels`; 0 when there is none yet. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  const line = text
    .split('\n')
    .find((row) => (row.startsWith(`${name}{`) || row.startsWith(`${name} `)) && wanted.every((pair) => row.includes(pair)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe(`metrics (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;

  const scrape = async () => (await t.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200)).text;

  beforeAll(async () => {
    t = await startApp({ METRICS_TOKEN });
    h = await seedHospital(t);
    flow = new Flow(t, h);
  });

  afterAll(() => t.close());

  it('answers only the bearer of METRICS_TOKEN, in Prometheus text format', async () => {
    await t.http.get('/metrics').expect(401);
    await t.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}x`).expect(401);
    await t.http.get('/metrics').set('Authorization', `Bearer ${h.users.admin.token}`).expect(401);
    const response = await t.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of ['process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds', 'http_request_duration_seconds_bucket', 'audit_chain_head_seq', 'audit_entries_unlinked', 'webhook_deliveries', 'scheduler_due_timers']) {
      expect(response.text).toContain(`\n${name}`);
    }
    if (onPostgres) expect(response.text).toMatch(/db_pool_connections\{state="total"\} [1-9]/);
  });

  it('counts transitions by machine and event, and refusals by reason', async () => {
    const { findingId } = await flow.assignedFinding('administrative');
    const before = await scrape();
    await flow.send('cardiologyStaff', findingId, { type: 'ACKNOWLEDGE' });
    // Only a disputed finding is upheld.
    await flow.send('cardiologyStaff', findingId, { type: 'UPHOLD' }, 409);
    await t.linked();
    const after = await scrape();
    const acknowledged = { machine: 'finding', event: 'ACKNOWLEDGE' };
    expect(sample(after, 'workflow_transitions_total', acknowledged) - sample(before, 'workflow_transitions_total', acknowledged)).toBe(1);
    const refused = { machine: 'finding', reason: 'not_now' };
    expect(sample(after, 'workflow_refused_events_total', refused) - sample(before, 'workflow_refused_events_total', refused)).toBe(1);
    const answered = { method: 'POST', route: '/findings/:id/events', status: '200' };
    expect(sample(after, 'http_request_duration_seconds_count', answered)).toBeGreaterThan(sample(before, 'http_request_duration_seconds_count', answered));
    expect(sample(after, 'audit_chain_head_seq')).toBeGreaterThan(sample(before, 'audit_chain_head_seq'));
  });

  it('labels requests with their route pattern, never the address asked for', async () => {
    const id = randomUUID();
    await flow.as('admin').get(`/findings/${id}`).expect(404);
    await flow.as('admin').get(`/findings/${id}`).expect(404);
    await t.http.get(`/no-such-route/${id}`).expect(404);
    const text = await scrape();
    expect(text).not.toContain(id);
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/findings/:id', status: '404' })).toBe(2);
    expect(sample(text, 'http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
  });

  it('answers 404 while METRICS_TOKEN is unset', async () => {
    t = await t.restart({ METRICS_TOKEN: '' });
    await t.http.get('/metrics').expect(404);
    await t.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(404);
  });
});
