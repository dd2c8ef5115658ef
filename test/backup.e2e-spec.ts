import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import sharp from 'sharp';
import { PASSWORD, RunningService, onPostgres, seedHospital, startService, startedRound } from '../bench/service';
import { backupPathOf, type BackupManifest } from '../src/backup/backup-copy';

const ROOT = join(__dirname, '..');

/** Runs `npm run backup` or `npm run restore` (the built scripts) with these settings; answers its exit code and output. */
function run(script: 'backup' | 'restore', args: string[], environment: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [join(ROOT, 'dist', 'src', 'backup', `${script}.js`), ...args], { env: { ...process.env, ...environment } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

/** On PostgreSQL the restore goes into a database of its own beside the suite's: `<suite's>_restore`. */
function restoreDatabaseName(): string {
  return `${new URL(process.env.DATABASE_URL!).pathname.slice(1)}_restore`;
}

/** The restore database, created or emptied. */
async function emptyRestoreDatabase(): Promise<string> {
  const url = new URL(process.env.DATABASE_URL!);
  const name = restoreDatabaseName();
  const admin = new Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount;
  if (!exists) await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  await admin.end();
  url.pathname = `/${name}`;
  const restore = new Client({ connectionString: url.toString() });
  await restore.connect();
  await restore.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  await restore.end();
  return url.toString();
}

describe('backups', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'triple-round-backup-'));
  const attachments = join(scratch, 'attachments');
  const backup = join(scratch, 'backup');
  let service: RunningService;
  let restored: RunningService | undefined;
  let hospital: Awaited<ReturnType<typeof seedHospital>>;
  let findingId: string;
  let attachmentId: string;
  let photo: Buffer;
  let restoreTarget: Record<string, string>;

  beforeAll(async () => {
    service = await startService(4, { ATTACHMENTS_DIR: attachments });
    hospital = await seedHospital(service.api);
    photo = await sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 30, g: 120, b: 200 } } }).jpeg().toBuffer();
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'ward.jpg');
    const upload = await fetch(`${service.api.origin}/attachments`, { method: 'POST', headers: { authorization: `Bearer ${hospital.inspector.token}` }, body: form });
    expect(upload.status).toBe(201);
    attachmentId = ((await upload.json()) as { id: string }).id;
    // The thumbnail is made when first asked for, then kept beside the photo: the backup holds it too.
    expect((await fetch(`${service.api.origin}/attachments/${attachmentId}/thumbnail`, { headers: { authorization: `Bearer ${hospital.inspector.token}` } })).status).toBe(200);
    const roundId = await startedRound(service.api, hospital);
    findingId = (
      await service.api.expectOk('POST', `/rounds/${roundId}/findings`, hospital.inspector.token, {
        roundType: 'administrative', title: '消防通道堵塞 blocked fire exit', description: 'Boxes in the corridor', severity: 'major', responsibleDepartmentId: hospital.ward, attachmentIds: [attachmentId],
      })
    ).id;
    await service.api.expectOk('POST', `/rounds/${roundId}/events`, hospital.lead.token, { type: 'SUBMIT' });
    restoreTarget = {
      DATABASE_URL: onPostgres ? await emptyRestoreDatabase() : join(scratch, 'restored', 'triple-round.sqlite'),
      ATTACHMENTS_DIR: join(scratch, 'restored', 'attachments'),
    };
  }, 120_000);

  afterAll(async () => {
    await restored?.stop();
    await service?.stop();
    rmSync(scratch, { recursive: true, force: true });
    if (onPostgres) {
      const admin = new Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${restoreDatabaseName().replace(/"/g, '""')}"`);
      await admin.end();
    }
  });

  it('backs up while writes go on, and the restored copy serves the same findings, trail and files', async () => {
    // Rounds with findings keep being written while the backup runs.
    let writing = true;
    const writes = (async () => {
      let written = 0;
      while (writing) {
        const roundId = await startedRound(service.api, hospital);
        await service.api.expectOk('POST', `/rounds/${roundId}/findings`, hospital.inspector.token, {
          roundType: 'administrative', title: `During the backup ${written++}`, description: 'written meanwhile', severity: 'minor', responsibleDepartmentId: hospital.ward,
        });
      }
      return written;
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const made = await run('backup', ['--to', backup], { DATABASE_URL: service.databaseUrl, ATTACHMENTS_DIR: attachments });
    writing = false;
    expect(await writes).toBeGreaterThan(0);
    expect(made).toMatchObject({ code: 0, stderr: '' });

    const manifest = JSON.parse(readFileSync(join(backup, 'manifest.json'), 'utf8')) as BackupManifest;
    const sha256 = createHash('sha256').update(photo).digest('hex');
    expect(manifest).toMatchObject({ database: onPostgres ? 'postgres' : 'sqlite', leftOut: [] });
    expect(manifest.migrations.length).toBeGreaterThan(10);
    expect(manifest.auditHead.seq).toBeGreaterThan(0);
    expect(manifest.counts.findings).toBeGreaterThan(1);
    expect(manifest.attachments).toEqual([{ sha256, size: photo.length, thumbnailSha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);

    const restoring = await run('restore', ['--from', backup], restoreTarget);
    expect(restoring.stderr).toBe('');
    expect(restoring.code).toBe(0);
    expect(JSON.parse(restoring.stdout)).toMatchObject({ ok: true, headMatches: true, chain: { ok: true, headSeq: manifest.auditHead.seq, head: manifest.auditHead.hash } });

    restored = await startService(2, restoreTarget);
    const api = restored.api;
    const token = (await api.expectOk('POST', '/auth/login', null, { username: 'admin', password: PASSWORD })).accessToken;
    expect(await api.expectOk('GET', `/findings/${findingId}`, token)).toMatchObject({ id: findingId, title: '消防通道堵塞 blocked fire exit', state: 'assigned' });
    const trail = (await api.expectOk('GET', `/findings/${findingId}/audit`, token)).items as { event: string }[];
    expect(trail.map((entry) => entry.event)).toEqual(expect.arrayContaining(['ASSIGN']));
    const file = await fetch(`${api.origin}/attachments/${attachmentId}`, { headers: { authorization: `Bearer ${token}` } });
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(photo)).toBe(true);
    expect(await api.expectOk('GET', '/audit/verify', token)).toMatchObject({ ok: true, headSeq: expect.any(Number) });
  }, 180_000);

  it('refuses a backup directory that is not empty', async () => {
    const used = join(scratch, 'used');
    mkdirSync(used);
    writeFileSync(join(used, 'notes.txt'), 'keep me');
    const refused = await run('backup', ['--to', used], { DATABASE_URL: restoreTarget.DATABASE_URL, ATTACHMENTS_DIR: restoreTarget.ATTACHMENTS_DIR });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('is not empty');
  });

  it('refuses to restore into a database or directory that is not empty', async () => {
    const again = await run('restore', ['--from', backup], restoreTarget);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/not empty|exists/);
  });

  it('refuses a backup whose attachment was tampered with, before writing anything', async () => {
    const manifest = JSON.parse(readFileSync(join(backup, 'manifest.json'), 'utf8')) as BackupManifest;
    const path = backupPathOf(backup, manifest.attachments[0].sha256);
    const original = readFileSync(path);
    writeFileSync(path, Buffer.concat([original, Buffer.from('tampered')]));
    await restored?.stop();
    restored = undefined;
    const target = {
      DATABASE_URL: onPostgres ? await emptyRestoreDatabase() : join(scratch, 'elsewhere', 'triple-round.sqlite'),
      ATTACHMENTS_DIR: join(scratch, 'elsewhere', 'attachments'),
    };
    const refused = await run('restore', ['--from', backup], target);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`${path} has SHA-256`);
    expect(refused.stderr).toContain('nothing was restored');
    writeFileSync(path, original);
  });
});
