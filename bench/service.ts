/** What the benchmarks share: the built service on a fresh database, and a client for its API. */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { Pool } from 'undici';
import { addDays } from '../workflows/calendar';

export const PASSWORD = 'bench-password-123';
export const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');
export const databaseName = onPostgres ? 'PostgreSQL' : 'SQLite';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH';

export class Api {
  private readonly pool: Pool;
  readonly origin: string;

  constructor(port: number, connections: number) {
    this.origin = `http://127.0.0.1:${port}`;
    this.pool = new Pool(this.origin, { connections, pipelining: 1 });
  }

  async call(method: Method, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
    const response = await this.pool.request({
      method,
      path,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.body.text();
    return { status: response.statusCode, json: text ? JSON.parse(text) : null };
  }

  async expectOk(method: Method, path: string, token: string | null, body?: unknown) {
    const result = await this.call(method, path, token, body);
    if (result.status >= 300) throw new Error(`${method} ${path} → ${result.status} ${JSON.stringify(result.json)}`);
    return result.json;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

export interface RunningService {
  process: ChildProcess;
  api: Api;
  databaseUrl: string;
  /** Where it keeps attachments (and export files): a scratch directory of its own, or the one it shares. */
  attachmentsDir: string;
  /** What it has written to its standard output so far: its log lines. */
  output(): string;
  /** Stops the service, waiting for it to exit, and removes the scratch database and attachment directory it was started on, if any. */
  stop(): Promise<void>;
}

/** A fresh database: an emptied PostgreSQL schema (DATABASE_URL), or a new SQLite file; `remove` drops the file. */
export async function freshDatabase(): Promise<{ databaseUrl: string; remove(): void }> {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl && onPostgres) {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    await client.end();
    return { databaseUrl, remove: () => undefined };
  }
  const scratch = mkdtempSync(join(tmpdir(), 'triple-round-bench-'));
  return { databaseUrl: join(scratch, 'bench.sqlite'), remove: () => rmSync(scratch, { recursive: true, force: true }) };
}

/**
 * A port the system has just found free. It comes from the ephemeral range, above every port fetch
 * refuses to call (4045, 6000, 10080…), and apart from the ports the machine's other servers listen on.
 */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Starts `dist/src/main.js` on a fresh database and scratch attachment directory, or on the database
 * and attachment directory `environment` names (kept as they are: a second instance beside a first).
 */
export async function startService(connections: number, environment: Record<string, string> = {}): Promise<RunningService> {
  const { databaseUrl, remove } = environment.DATABASE_URL ? { databaseUrl: environment.DATABASE_URL, remove: () => undefined } : await freshDatabase();
  const scratchAttachments = !environment.ATTACHMENTS_DIR;
  const attachmentsDir = environment.ATTACHMENTS_DIR ?? mkdtempSync(join(tmpdir(), 'triple-round-attachments-'));
  const port = await freePort();
  const service = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), join(__dirname, '..', 'dist', 'src', 'main.js')], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      ATTACHMENTS_DIR: attachmentsDir,
      PORT: String(port),
      ADMIN_PASSWORD: PASSWORD,
      JWT_SECRET: 'bench-secret-'.padEnd(40, 'x'),
      LOG_LEVEL: 'warn',
      // A few users drive every transition here; the per-user write limit stays on, out of reach.
      WRITES_PER_MINUTE: '10000000',
      ...environment,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Its log lines are kept for the tests that read them, and shown as they come.
  const logged: Buffer[] = [];
  service.stdout!.on('data', (chunk: Buffer) => {
    logged.push(chunk);
    process.stdout.write(chunk);
  });
  const exited = new Promise((resolve) => service.once('exit', resolve));
  const api = new Api(port, connections);
  const stop = async () => {
    service.kill();
    await exited;
    await api.close();
    remove();
    if (scratchAttachments) rmSync(attachmentsDir, { recursive: true, force: true });
  };
  // A minute: on a busy machine, instances starting together each start a worker or more.
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      if ((await api.call('GET', '/health', null)).status === 200) return { process: service, api, databaseUrl, attachmentsDir, stop, output: () => Buffer.concat(logged).toString('utf8') };
    } catch {
      /* not listening yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error('The service did not start');
}

/** The CPU time the process has used so far, all its threads, in milliseconds (Linux: utime + stime in clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The highest resident set size the process has reached, in MB. */
export function peakRssMb(pid: number): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

/** The service's processes: the one started and, with WORKERS above 1, its workers. */
export function serviceProcesses(service: RunningService): number[] {
  const pid = service.process.pid!;
  const children = readdirSync(`/proc/${pid}/task`).flatMap((thread) =>
    readFileSync(`/proc/${pid}/task/${thread}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  );
  return [pid, ...children];
}

/** The highest resident set size each of the service's processes has reached, in MB (see serviceProcesses). */
export function peakRssPerProcessMb(service: RunningService): number[] {
  return serviceProcesses(service).map(peakRssMb);
}

/** A small hospital to work in: a ward, the administrative lead office, and one person per part. */
export async function seedHospital(api: Api) {
  const admin = (await api.expectOk('POST', '/auth/login', null, { username: 'admin', password: PASSWORD })).accessToken as string;
  const ward = (await api.expectOk('POST', '/departments', admin, { code: 'WARD', name: 'Ward', kind: 'clinical' })).id as string;
  const office = (await api.expectOk('POST', '/departments', admin, { code: 'PRES', name: 'Office', kind: 'functional', leadOfficeFor: ['administrative'] }))
    .id as string;
  const user = async (username: string, roles: string[], departmentId?: string) => {
    const { id } = await api.expectOk('POST', '/users', admin, { username, password: PASSWORD, displayName: username, roles, departmentId });
    const { accessToken } = await api.expectOk('POST', '/auth/login', null, { username, password: PASSWORD });
    return { id: id as string, token: accessToken as string };
  };
  return {
    ward,
    office,
    lead: await user('lead', ['round_lead']),
    inspector: await user('inspector', ['inspector']),
    staff: await user('staff', ['department_staff'], ward),
    verifier: await user('verifier', ['verifier'], office),
  };
}

/** The hospital's date `days` after today (in TIME_ZONE, as the service reckons it), for plans that must not lie in the past. */
export function hospitalDate(days: number): string {
  return addDays(new Intl.DateTimeFormat('en-CA', { timeZone: process.env.TIME_ZONE ?? 'Asia/Shanghai' }).format(new Date()), days);
}

/** A started administrative round at the ward with every checklist item passed, ready to log findings and be submitted. */
export async function startedRound(api: Api, h: Awaited<ReturnType<typeof seedHospital>>, scheduledFor = '2026-11-24'): Promise<string> {
  const round = await api.expectOk('POST', '/rounds', h.lead.token, {
    types: ['administrative'], departmentId: h.ward, scheduledFor, leadId: h.lead.id, teamMemberIds: [h.inspector.id],
  });
  await api.expectOk('POST', `/rounds/${round.id}/events`, h.lead.token, { type: 'START' });
  const { parts } = await api.expectOk('GET', `/rounds/${round.id}/results`, h.lead.token);
  for (const code of parts[0].missingItems as string[]) {
    await api.expectOk('PUT', `/rounds/${round.id}/results/${code}`, h.inspector.token, { result: 'pass' });
  }
  return round.id as string;
}

/** Runs a benchmark's main; a failure is printed and ends the process with status 1. */
export function benchmark(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
