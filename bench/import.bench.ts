/**
 * A problem list of 5,000 rows (seed 003's personal-level shape, scripts/problem-list-sample.ts)
 * imported into the running service: a dry run, the real run (every row checked, registered,
 * assigned and audited in one unit of work), then the same file again (every row already present).
 * A raw probe (SHA-256 over the file, a fixed amount of plain CPU work) runs in the same script, so
 * figures from a busy hour and a quiet one can be compared as ratios to it.
 *
 *   npm run bench:import                                                    # SQLite in a temporary file
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:import
 *
 * Env: BENCH_ROWS (default 5000). Ends with one machine-readable line:
 * rows=N dry_run_s=N import_s=N reimport_s=N probe_s=N import_per_probe=N peak_rss_mb=N
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { listCsv, personalProblemList } from '../scripts/problem-list-sample';
import { benchmark, databaseName, peakRssPerProcessMb, seedHospital, startService, type Api } from './service';

const ROWS = Number(process.env.BENCH_ROWS ?? 5_000);
/** The departments the sample list names, beside the benchmark hospital's own. */
const DEPARTMENTS = ['CARD', 'SURG', 'LOGI', 'PARTY', 'DISC'];

/** A fixed amount of plain CPU work, in seconds: the yardstick for this hour's machine. */
function probe(file: Buffer): number {
  const started = performance.now();
  let digest = createHash('sha256').update(file).digest();
  for (let i = 0; i < 200; i++) digest = createHash('sha256').update(file).update(digest).digest();
  return (performance.now() - started) / 1000;
}

async function importList(api: Api, token: string, file: Buffer, dryRun: boolean) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(file)], { type: 'text/csv' }), 'personal-problem-list.csv');
  const started = performance.now();
  const response = await fetch(`${api.origin}/findings/import?dryRun=${dryRun}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  const body = await response.json();
  const seconds = (performance.now() - started) / 1000;
  if (response.status !== 200 || body.problems.length > 0) throw new Error(`import answered ${response.status} ${JSON.stringify(body).slice(0, 500)}`);
  return { seconds, body: body as { created: number; alreadyPresent: number } };
}

async function main(): Promise<void> {
  // A list this size is about 1.5 MB and fills IMPORT_MAX_ROWS' default halfway.
  const service = await startService(1);
  try {
    const h = await seedHospital(service.api);
    const admin = (await service.api.expectOk('POST', '/auth/login', null, { username: 'admin', password: 'bench-password-123' })).accessToken as string;
    for (const code of DEPARTMENTS) await service.api.expectOk('POST', '/departments', admin, { code, name: code, kind: 'clinical' });
    const file = Buffer.from(listCsv(personalProblemList(Math.round(ROWS * 0.54), ROWS, 'BENCH')), 'utf8');
    console.log(`${databaseName}: a list of ${ROWS.toLocaleString('en')} rows, ${(file.length / 1_048_576).toFixed(1)} MB of CSV`);

    const probeBefore = probe(file);
    const dry = await importList(service.api, h.verifier.token, file, true);
    const real = await importList(service.api, h.verifier.token, file, false);
    const again = await importList(service.api, h.verifier.token, file, false);
    const probeAfter = probe(file);
    if (dry.body.created !== ROWS || real.body.created !== ROWS || again.body.alreadyPresent !== ROWS) throw new Error('unexpected counts');
    const probeSeconds = (probeBefore + probeAfter) / 2;

    console.log(`  dry run: ${dry.seconds.toFixed(2)} s`);
    console.log(`  import: ${real.seconds.toFixed(2)} s (${Math.round(ROWS / real.seconds).toLocaleString('en')} rows/s; target < 10 s for 5,000)`);
    console.log(`  re-import, every row present: ${again.seconds.toFixed(2)} s`);
    console.log(`  raw probe: ${probeBefore.toFixed(2)} s before, ${probeAfter.toFixed(2)} s after; the import took ${(real.seconds / probeSeconds).toFixed(1)} probes`);
    const peak = Math.max(...peakRssPerProcessMb(service));
    console.log(`  service peak RSS: ${peak.toFixed(0)} MB`);
    console.log(
      `rows=${ROWS} dry_run_s=${dry.seconds.toFixed(2)} import_s=${real.seconds.toFixed(2)} reimport_s=${again.seconds.toFixed(2)} probe_s=${probeSeconds.toFixed(2)} import_per_probe=${(real.seconds / probeSeconds).toFixed(1)} peak_rss_mb=${peak.toFixed(0)}`,
    );
  } finally {
    await service.stop();
  }
}

benchmark(main);
