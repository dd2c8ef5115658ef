import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { EntityManager } from 'typeorm';
import { AttachmentStorage, DiskAttachmentStorage } from '../attachments/attachment-storage';
import { AppConfig } from '../config/app-config';
import {
  BackupManifest,
  DATABASE_FILES,
  MANIFEST,
  backupPathOf,
  backupThumbnailPathOf,
  describeDatabase,
  hashFile,
  openDatabase,
  runClient,
  runTool,
  writeHashed,
} from './backup-copy';

/** better-sqlite3 as the backup uses it: the package ships no types. */
interface SqliteDatabase {
  backup(destination: string): Promise<unknown>;
  close(): void;
}

/** A stored file the database copy names; `inUse` when a finding or an interview holds it. */
interface NamedFile {
  sha256: string;
  inUse: boolean;
}

/**
 * `npm run backup -- --to DIR`: a consistent copy of the database DATABASE_URL names and of the
 * evidence files under ATTACHMENTS_DIR, while the service runs, with a manifest (manifest.json)
 * that `npm run restore` checks the restored copy against.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { to: { type: 'string' } }, strict: true });
  if (!values.to) throw new Error('Usage: npm run backup -- --to DIR (a directory that does not exist yet, or is empty)');
  const root = resolve(values.to);
  const existing = await readdir(root).catch(() => null);
  if (existing && existing.length > 0) throw new Error(`${root} is not empty: a backup goes into a new or empty directory, so it never mixes with another`);
  // The copy holds the whole hospital, password hashes included: for its owner's eyes only.
  await mkdir(root, { recursive: true });
  await chmod(root, 0o700);

  const config = AppConfig.fromEnvironment();
  const copy = config.isPostgres ? await copyPostgres(config, root) : await copySqlite(config, root);
  const files = await copyFiles(new DiskAttachmentStorage(config), root, copy.files);
  const manifest: BackupManifest = {
    format: 1,
    createdAt: new Date().toISOString(),
    database: config.isPostgres ? 'postgres' : 'sqlite',
    databaseFile: copy.databaseFile,
    databaseSha256: await hashFile(join(root, copy.databaseFile)),
    ...copy.description,
    ...files,
  };
  await writeFile(join(root, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { flag: 'wx' });
  for (const { sha256, reason } of manifest.leftOut) process.stderr.write(`left out ${sha256}: ${reason}\n`);
  process.stdout.write(
    `${JSON.stringify({ to: root, auditHead: manifest.auditHead, attachments: manifest.attachments.length, leftOut: manifest.leftOut.length }, null, 2)}\n`,
  );
}

type DatabaseCopy = { databaseFile: string; description: Awaited<ReturnType<typeof describeDatabase>>; files: NamedFile[] };

/**
 * SQLite's online backup copies the database as it stood at one moment, while writers go on; the
 * manifest is then read from the copy itself, so it describes exactly what was copied.
 */
async function copySqlite(config: AppConfig, root: string): Promise<DatabaseCopy> {
  const databaseFile = DATABASE_FILES.sqlite;
  const Database = require('better-sqlite3') as new (path: string, options: { readonly: boolean; fileMustExist: boolean }) => SqliteDatabase;
  const source = new Database(config.sqlitePath, { readonly: true, fileMustExist: true });
  try {
    await source.backup(join(root, databaseFile));
  } finally {
    source.close();
  }
  const copy = await openDatabase(AppConfig.fromEnvironment({ ...process.env, DATABASE_URL: join(root, databaseFile) }));
  try {
    return { databaseFile, description: await describeDatabase(copy.manager), files: await namedFiles(copy.manager) };
  } finally {
    await copy.destroy();
  }
}

/**
 * pg_dump reads one snapshot; this transaction exports it to pg_dump and reads the manifest in it,
 * so the two agree. Read-only, it takes no transaction id and holds no writer back.
 */
async function copyPostgres(config: AppConfig, root: string): Promise<DatabaseCopy> {
  const databaseFile = DATABASE_FILES.postgres;
  const dataSource = await openDatabase(config);
  const snapshot = dataSource.createQueryRunner();
  try {
    await snapshot.connect();
    await snapshot.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const [{ id }] = (await snapshot.query('SELECT pg_export_snapshot() AS "id"')) as { id: string }[];
    const description = await describeDatabase(snapshot.manager);
    const files = await namedFiles(snapshot.manager);
    await runClient('pg_dump', ['--format=custom', `--snapshot=${id}`, `--file=${join(root, databaseFile)}`], config.DATABASE_URL);
    await snapshot.query('COMMIT');
    return { databaseFile, description, files };
  } finally {
    await snapshot.release();
    await dataSource.destroy();
  }
}

async function namedFiles(manager: EntityManager): Promise<NamedFile[]> {
  const rows = (await manager.query(
    `SELECT "sha256", MAX(CASE WHEN "findingId" IS NOT NULL OR "interviewId" IS NOT NULL THEN 1 ELSE 0 END) AS "inUse"
       FROM "attachments" GROUP BY "sha256" ORDER BY "sha256"`,
  )) as { sha256: string; inUse: number | string }[];
  return rows.map((row) => ({ sha256: row.sha256, inUse: Number(row.inUse) === 1 }));
}

/**
 * Copies the files the database copy names, after the database: a file is stored before the row
 * that names it is committed, and its name is its content, so every file the copy names is already
 * there and cannot change. Only the clean-up of unused uploads may remove one meanwhile; such a
 * file is listed as left out. Any other file that is missing or whose content does not match its
 * name stops the backup: the live store is damaged, and a backup must not hide it.
 */
async function copyFiles(storage: AttachmentStorage, root: string, files: NamedFile[]): Promise<Pick<BackupManifest, 'attachments' | 'leftOut'>> {
  const attachments: BackupManifest['attachments'] = [];
  const leftOut: BackupManifest['leftOut'] = [];
  for (const { sha256, inUse } of files) {
    const content = await storage.open(sha256);
    if (!content) {
      if (inUse) throw new Error(`The file of attachment content ${sha256} is missing from ATTACHMENTS_DIR, though a finding or an interview holds it`);
      leftOut.push({ sha256, reason: 'an unused upload whose file the clean-up removed after the database was copied' });
      continue;
    }
    const copied = await writeHashed(content, backupPathOf(root, sha256));
    if (copied.sha256 !== sha256) throw new Error(`The file stored as ${sha256} in ATTACHMENTS_DIR holds content whose SHA-256 is ${copied.sha256}`);
    const thumbnail = await storage.thumbnail(sha256);
    const thumbnailSha256 = thumbnail ? (await writeHashed(Readable.from([thumbnail]), backupThumbnailPathOf(root, sha256))).sha256 : null;
    attachments.push({ sha256, size: copied.size, thumbnailSha256 });
  }
  return { attachments, leftOut };
}

runTool(main);
