import { Pool } from 'undici';
import { performance } from 'node:perf_hooks';
(async () => {
  const pool = new Pool('http://127.0.0.1:3111', { connections: 50 });
  let next = 0; const n = 8000; const t0 = performance.now();
  await Promise.all(Array.from({ length: 50 }, async () => { while (next++ < n) { const r = await pool.request({ method: 'GET', path: process.argv[2] ?? '/health' }); await r.body.text(); } }));
  console.log(process.argv[2] ?? '/health', Math.round(n / ((performance.now() - t0) / 1000)), '/s');
  await pool.close();
})();
