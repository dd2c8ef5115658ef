/**
 * Starts the built service, creates findings, and drives them through their lifecycle over HTTP
 * (every request authenticated, validated and audited), in two parts:
 *   - throughput: three quarters of the findings with 50 concurrent clients, more than keep the
 *     service busy, so it shows how many transitions a second it can do;
 *   - latency: the rest with 10 concurrent clients, already enough to keep it busy (about the same
 *     transitions a second). Clients beyond that only wait in line: with 50, each answer waits
 *     behind 49 others, so p50 ≈ 50 ÷ transitions/s whatever the service does.
 *
 *   npm run build && npm run bench                       # SQLite in a temporary file
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench
 *
 * Env: BENCH_FINDINGS (default 3000), BENCH_CONCURRENCY (default 50), BENCH_LATENCY_CONCURRENCY
 * (default 10), BENCH_ROUNDS (default 2), BENCH_NODE_ARGS (e.g. --cpu-prof); the service's own
 * settings pass through (WORKERS=auto, say).
 *
 * Each round measures the machine's own limit (bench/raw-probe.ts), then the service on a fresh
 * database. Noise only slows a run, so the best round of each counts. Ends with two machine-readable lines:
 *   transitions/s=N p50_ms=N p99_ms=N peak_rss_mb=N      (the best round: its throughput, its latency part's percentiles, the largest process's peak)
 *   raw_per_s=N ratio=R                                  (ratio = transitions/s ÷ raw_per_s)
 */
import { performance } from 'node:perf_hooks';
import { best, measureRawLimit, type RawLimit } from './raw-probe';
import { Api, benchmark, cpuMs, databaseName, hospitalDate, onPostgres, peakRssPerProcessMb, seedHospital, serviceProcesses, startedRound, startService } from './service';

const FINDINGS = Number(process.env.BENCH_FINDINGS ?? 3000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const LATENCY_CONCURRENCY = Number(process.env.BENCH_LATENCY_CONCURRENCY ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const FINDINGS_PER_ROUND = 50;
/**
 * The date the plans commit to: two weeks after the hospital's today, so no reminder falls due
 * while the benchmark runs (bench:deadlines measures those) whatever day it runs on.
 */
const COMMITTED_DATE = hospitalDate(14);

/** Runs `task(i)` for i in [0, count) on `clients` concurrent clients. */
async function onClients(clients: number, count: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface RoundResult {
  rate: number;
  /** transitions/s=N p50_ms=N p99_ms=N peak_rss_mb=N */
  line: string;
}

/** Starts the service on a fresh database and drives findings through their lifecycle. */
async function benchRound(): Promise<RoundResult> {
  const service = await startService(CONCURRENCY);
  const api: Api = service.api;
  try {
    const h = await seedHospital(api);
    const { staff, verifier } = h;

    console.log(`Creating ${FINDINGS} findings in ${Math.ceil(FINDINGS / FINDINGS_PER_ROUND)} rounds…`);
    const findingIds: string[] = [];
    for (let first = 0; first < FINDINGS; first += FINDINGS_PER_ROUND) {
      const roundId = await startedRound(api, h);
      const count = Math.min(FINDINGS_PER_ROUND, FINDINGS - first);
      await Promise.all(
        Array.from({ length: count }, async (_, i) => {
          const finding = await api.expectOk('POST', `/rounds/${roundId}/findings`, h.inspector.token, {
            roundType: 'administrative', title: `Finding ${first + i}`, description: 'bench', severity: 'minor', responsibleDepartmentId: h.ward,
          });
          findingIds.push(finding.id);
        }),
      );
      await api.expectOk('POST', `/rounds/${roundId}/events`, h.lead.token, { type: 'SUBMIT' });
    }

    const lifecycle = [
      { token: staff.token, body: { type: 'SUBMIT_PLAN', measures: 'Weekly checks by the head nurse', committedDate: COMMITTED_DATE } },
      { token: staff.token, body: { type: 'SUBMIT_EVIDENCE', note: 'Checklist photographed' } },
      { token: verifier.token, body: { type: 'VERIFY_REJECT', reason: 'The photo is unreadable' } },
      { token: staff.token, body: { type: 'SUBMIT_EVIDENCE', note: 'Clear photo attached' } },
      { token: verifier.token, body: { type: 'VERIFY_ACCEPT', note: 'Verified on the ward' } },
    ];
    // CPU time of the primary and every worker (with WORKERS above 1).
    const serviceCpuMs = () => serviceProcesses(service).reduce((sum, pid) => sum + cpuMs(pid), 0);

    /** Drives each finding through the lifecycle on `clients` concurrent clients; answers the rate and the latencies, sorted. */
    const drive = async (ids: string[], clients: number) => {
      console.log(`Driving ${ids.length * lifecycle.length} transitions with ${clients} concurrent clients…`);
      const latencies: number[] = [];
      const byEvent = new Map<string, number[]>();
      let failures = 0;
      const started = performance.now();
      const cpuBefore = serviceCpuMs();
      await onClients(clients, ids.length, async (i) => {
        for (const step of lifecycle) {
          const sent = performance.now();
          const { status, json } = await api.call('POST', `/findings/${ids[i]}/events`, step.token, step.body);
          const latency = performance.now() - sent;
          latencies.push(latency);
          if (!byEvent.has(step.body.type)) byEvent.set(step.body.type, []);
          byEvent.get(step.body.type)!.push(latency);
          if (status !== 200 && failures++ < 5) console.error(`${step.body.type} → ${status} ${JSON.stringify(json)}`);
        }
      });
      const seconds = (performance.now() - started) / 1000;
      if (failures > 0) throw new Error(`${failures} transitions failed`);
      latencies.sort((a, b) => a - b);
      const rate = Math.round(latencies.length / seconds);
      console.log(`${databaseName}: ${latencies.length} transitions in ${seconds.toFixed(1)} s with ${clients} clients`);
      for (const [type, values] of byEvent) {
        values.sort((a, b) => a - b);
        console.log(`  ${type.padEnd(16)} p50 ${percentile(values, 50).toFixed(1)} ms   p99 ${percentile(values, 99).toFixed(1)} ms`);
      }
      // Less shaken by the machine's load than the rate: what one transition costs the service's processes.
      const cpuPerTransition = (serviceCpuMs() - cpuBefore) / latencies.length;
      console.log(`  transitions/s ${rate}   p50 ${percentile(latencies, 50).toFixed(1)} ms   p99 ${percentile(latencies, 99).toFixed(1)} ms   service CPU ${cpuPerTransition.toFixed(2)} ms per transition`);
      return { rate, latencies };
    };

    const split = Math.round(findingIds.length * 0.75);
    const { rate } = await drive(findingIds.slice(0, split), CONCURRENCY);
    const { latencies } = await drive(findingIds.slice(split), LATENCY_CONCURRENCY);
    const p50 = percentile(latencies, 50).toFixed(1);
    const p99 = percentile(latencies, 99).toFixed(1);
    // Per process: with WORKERS above 1 the primary and each worker; the line gives the largest.
    const peaks = peakRssPerProcessMb(service);
    const peakRss = Math.max(...peaks);
    console.log(
      `  service peak RSS ${peakRss.toFixed(0)} MB` + (peaks.length > 1 ? ` (each process: ${peaks.map((mb) => mb.toFixed(0)).join(', ')} MB)` : ''),
    );
    return { rate, line: `transitions/s=${rate} p50_ms=${p50} p99_ms=${p99} peak_rss_mb=${peakRss.toFixed(0)}` };
  } finally {
    await service.stop();
  }
}

async function main(): Promise<void> {
  const limits: RawLimit[] = [];
  const rounds: RoundResult[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`Round ${round} of ${ROUNDS}: the machine's own limit…`);
    const limit = await measureRawLimit(onPostgres ? process.env.DATABASE_URL! : null);
    console.log(
      `  unit of work ${limit.unitOfWorkPerSecond.toFixed(0)}/s   machine step ${limit.machinePerSecond.toFixed(0)}/s   ` +
        `JSON POST ${limit.httpPerSecond.toFixed(0)}/s   in turn ${limit.perSecond.toFixed(0)}/s`,
    );
    limits.push(limit);
    rounds.push(await benchRound());
  }
  const raw = best(limits).perSecond;
  const fastest = rounds.reduce((a, b) => (b.rate > a.rate ? b : a));
  console.log(fastest.line);
  console.log(`raw_per_s=${raw.toFixed(0)} ratio=${(fastest.rate / raw).toFixed(2)}`);
}

benchmark(main);
