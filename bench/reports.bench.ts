/**
 * 100,000 findings written straight into a fresh database (60 % closed over the last four months,
 * the rest open: on track, overdue or rectifying, across 30 departments), then, against the running
 * service: GET /dashboard polled by four roles, the whole ledger exported as xlsx, then last month's
 * notice and monthly tracking, and the year's assessment, workbook and notice.
 *
 *   npm run bench:reports                                                    # SQLite in a temporary file
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:reports
 *
 * Env: BENCH_FINDINGS (default 100000). Ends with one machine-readable line:
 * findings=N dashboard_p50_ms=N dashboard_p99_ms=N notice_ms=N year_notice_ms=N export_seconds=N export_mb=N peak_rss_mb=N
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { DAY, percentile, seedFindings } from './findings';
import { benchmark, peakRssPerProcessMb, startService } from './service';

const FINDINGS = Number(process.env.BENCH_FINDINGS ?? 100_000);

async function main(): Promise<void> {
  const service = await startService(4);
  const { h, dataSource } = await seedFindings(service, FINDINGS);
  try {
    const admin = (await service.api.expectOk('POST', '/auth/login', null, { username: 'admin', password: 'bench-password-123' })).accessToken as string;
    const times: number[] = [];
    for (const [role, token] of [['admin', admin], ['verifier', h.verifier.token], ['department staff', h.staff.token], ['round lead', h.lead.token]] as const) {
      const mine: number[] = [];
      for (let i = 0; i < 60; i++) {
        const started = performance.now();
        await service.api.expectOk('GET', '/dashboard', token);
        if (i >= 10) mine.push(performance.now() - started);
      }
      mine.sort((a, b) => a - b);
      console.log(`  GET /dashboard as ${role}: p50 ${percentile(mine, 50).toFixed(1)} ms, p99 ${percentile(mine, 99).toFixed(1)} ms`);
      times.push(...mine);
    }
    times.sort((a, b) => a - b);

    const beforeExport = Math.max(...peakRssPerProcessMb(service));
    console.log(`  service peak RSS before the export: ${beforeExport.toFixed(0)} MB`);
    // Another user's requests keep being answered while the export runs: GET /health twice a second.
    const waits: number[] = [];
    const probe = setInterval(() => {
      const started = performance.now();
      void service.api.call('GET', '/health', null).then(() => waits.push(performance.now() - started));
    }, 500);
    const exporting = performance.now();
    const response = await request(`${service.api.origin}/reports/ledger?format=xlsx`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    let bytes = 0;
    for await (const chunk of response.body) bytes += (chunk as Buffer).length;
    if (response.statusCode !== 200) throw new Error(`export answered ${response.statusCode}`);
    const exportSeconds = (performance.now() - exporting) / 1000;
    clearInterval(probe);
    waits.sort((a, b) => a - b);
    const peak = Math.max(...peakRssPerProcessMb(service));
    console.log(`  GET /reports/ledger?format=xlsx (${FINDINGS.toLocaleString('en')} rows): ${(bytes / 1_048_576).toFixed(1)} MB in ${exportSeconds.toFixed(1)} s; service peak RSS ${peak.toFixed(0)} MB; GET /health meanwhile p50 ${percentile(waits, 50).toFixed(0)} ms, max ${waits.at(-1)!.toFixed(0)} ms`);
    const month = new Date(Date.now() - 31 * DAY).toISOString().slice(0, 7);
    const reportTimes: Record<string, number> = {};
    const year = new Date().toISOString().slice(0, 4);
    const paths = [
      `/reports/notice?month=${month}`,
      `/reports/monthly?month=${month}`,
      `/reports/monthly?month=${month}&format=xlsx`,
      `/assessments?year=${year}`,
      `/reports/annual?year=${year}&format=xlsx`,
      `/reports/notice?year=${year}`,
    ];
    for (const path of paths) {
      const started = performance.now();
      const answer = await request(`${service.api.origin}${path}`, { headers: { authorization: `Bearer ${admin}` } });
      await answer.body.arrayBuffer();
      if (answer.statusCode !== 200) throw new Error(`${path} answered ${answer.statusCode}`);
      reportTimes[path] = performance.now() - started;
      console.log(`  GET ${path}: ${reportTimes[path].toFixed(0)} ms`);
    }

    console.log(`  service peak RSS after them: ${Math.max(...peakRssPerProcessMb(service)).toFixed(0)} MB`);
    console.log(
      `findings=${FINDINGS} dashboard_p50_ms=${percentile(times, 50).toFixed(1)} dashboard_p99_ms=${percentile(times, 99).toFixed(1)} notice_ms=${reportTimes[`/reports/notice?month=${month}`].toFixed(0)} year_notice_ms=${reportTimes[`/reports/notice?year=${year}`].toFixed(0)} export_seconds=${exportSeconds.toFixed(1)} export_mb=${(bytes / 1_048_576).toFixed(1)} peak_rss_mb=${peak.toFixed(0)}`,
    );
  } finally {
    await dataSource.destroy();
    await service.stop();
  }
}

benchmark(main);
