import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { DataSource } from 'typeorm';
import { Pool } from 'undici';
import { RunningService, onPostgres, seedHospital, startService, startedRound } from '../bench/service';

const GRACE_MS = 10_000;
const CLIENTS = 16;

/** The titles of every finding in the service's database, read directly once the service has stopped. */
async function storedTitles(databaseUrl: string): Promise<Set<string>> {
  const dataSource = await new DataSource(onPostgres ? { type: 'postgres', url: databaseUrl } : { type: 'better-sqlite3', database: databaseUrl }).initialize();
  const rows: { title: string }[] = await dataSource.query('SELECT title FROM findings');
  await dataSource.destroy();
  return new Set(rows.map((row) => row.title));
}

/**
 * The built service (dist/) as a child process under a steady load of writes, stopped by SIGTERM:
 * no client sees its connection reset (new connections are refused once it stops listening), what
 * it acknowledged is stored, what it stored it acknowledged, and it ends by itself, with status 0,
 * within the grace.
 */
describe(`graceful shutdown (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let service: RunningService;

  afterAll(() => service?.stop());

  it('finishes the requests in flight on SIGTERM, loses no acknowledged write and exits 0 within the grace', async () => {
    // One process: with several workers the primary keeps the port open, accepting for them, until the
    // last one stops listening, and a connection it took in that moment is reset (docs/operations.md, Shutdown).
    service = await startService(4, { SHUTDOWN_GRACE_MS: String(GRACE_MS), SCHEDULER_INTERVAL_MS: '200', WORKERS: '1' });
    const h = await seedHospital(service.api);
    const roundId = await startedRound(service.api, h);
    const origin = service.api.origin;

    const acknowledged = new Set<string>();
    const failures: string[] = [];
    let stopping = false;
    let readyWhileStopping: number | string | undefined;
    const clients = Array.from({ length: CLIENTS }, () => new Pool(origin, { connections: 1 }));

    const load = clients.map(async (client) => {
      for (;;) {
        const key = randomUUID();
        const body = { roundType: 'administrative', title: key, description: 'Under load at shutdown', severity: 'minor', responsibleDepartmentId: h.ward };
        try {
          const response = await client.request({
            method: 'POST',
            path: `/rounds/${roundId}/findings`,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${h.inspector.token}`, 'idempotency-key': key },
            body: JSON.stringify(body),
          });
          await response.body.text();
          if (response.statusCode === 201) acknowledged.add(key);
          else failures.push(`answered ${response.statusCode}`);
        } catch (error) {
          const code = (error as { code?: string }).code ?? String(error);
          // New connections are refused once the server stopped listening: expected, and the end of this client's load.
          if (stopping && code === 'ECONNREFUSED') return;
          failures.push(`${stopping ? 'while stopping' : 'before stopping'}: ${code} ${String(error)}`);
          return;
        }
      }
    });

    await new Promise((resolve) => setTimeout(resolve, 1500));
    const before = acknowledged.size;
    // The probe's connection is opened and accepted before the signal: a connection still waiting in
    // the listener's backlog when the listener closes is reset by the kernel, which no server can prevent.
    const probe = new Pool(origin, { connections: 1 });
    const warm = await probe.request({ method: 'GET', path: '/health/ready' });
    await warm.body.text();
    expect(warm.statusCode).toBe(200);
    const exited = once(service.process, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    const signalledAt = Date.now();
    stopping = true;
    service.process.kill('SIGTERM');
    // Readiness turns 503 at once; soon after, the server takes no new connection at all.
    for (let status = 200; status === 200; ) {
      try {
        const response = await probe.request({ method: 'GET', path: '/health/ready' });
        await response.body.text();
        status = readyWhileStopping = response.statusCode;
      } catch (error) {
        readyWhileStopping = (error as { code?: string }).code === 'ECONNREFUSED' ? 'refused' : String(error);
        break;
      }
    }
    const [code, signal] = await exited;
    const tookMs = Date.now() - signalledAt;
    await Promise.all(load);
    await Promise.all([...clients, probe].map((client) => client.close()));

    expect(before).toBeGreaterThan(0);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(tookMs).toBeLessThan(GRACE_MS);
    expect([503, 'refused']).toContain(readyWhileStopping);
    expect(failures).toEqual([]);
    const stored = await storedTitles(service.databaseUrl);
    const findings = [...stored].filter((title) => /^[0-9a-f-]{36}$/.test(title));
    expect(findings.filter((key) => !acknowledged.has(key))).toEqual([]);
    expect([...acknowledged].filter((key) => !stored.has(key))).toEqual([]);
  });
});
