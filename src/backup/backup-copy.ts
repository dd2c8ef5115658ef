import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DataSource, EntityManager } from 'typeorm';
import { chainHead } from '../audit/audit-verifier';
import { GENESIS_HASH } from '../audit/audit-chain';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from '../database/data-source-options';
import { withEveryEntity } from '../every-entity';

/** What `npm run backup` writes beside the database and the files, and `npm run restore` checks against. */
export interface BackupManifest {
  format: 1;
  createdAt: string;
  database: 'sqlite' | 'postgres';
  /** The database's copy in the backup directory, and its SHA-256. */
  databaseFile: string;
  databaseSha256: string;
  /** Names of the migrations applied, in the order they ran. */
  migrations: string[];
  auditHead: { seq: number; hash: string };
  /** Rows per table. */
  counts: Record<string, number>;
  /** Each stored file the copy names, under ATTACHMENT_FILES/ab/cd/<sha256>, with its thumbnail's hash if one was kept. */
  attachments: { sha256: string; size: number; thumbnailSha256: string | null }[];
  /** Files the copy names but the backup could not hold, each with the reason. */
  leftOut: { sha256: string; reason: string }[];
}

export const MANIFEST = 'manifest.json';
/** The database's copy in a backup, by kind: restore reads no other file, whatever a manifest says. */
export const DATABASE_FILES = { sqlite: 'database.sqlite', postgres: 'database.dump' } as const;
export const ATTACHMENT_FILES = 'attachments';

/** Where a file of the backup directory `root` is kept. */
export const backupPathOf = (root: string, sha256: string) => join(root, ATTACHMENT_FILES, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
export const backupThumbnailPathOf = (root: string, sha256: string) => `${backupPathOf(root, sha256)}.thumbnail.jpg`;

/** Opens the database `config` names with every entity, as the other tools do. */
export function openDatabase(config: AppConfig): Promise<DataSource> {
  return new DataSource(withEveryEntity(dataSourceOptions(config))).initialize();
}

/** What a backup records of a database, read through `manager` (one snapshot of it). */
export async function describeDatabase(manager: EntityManager): Promise<Pick<BackupManifest, 'migrations' | 'auditHead' | 'counts'>> {
  const migrations = ((await manager.query('SELECT "name" FROM "migrations" ORDER BY "id"')) as { name: string }[]).map((row) => row.name);
  const head = await chainHead(manager);
  const counts: Record<string, number> = {};
  for (const table of await tableNames(manager)) {
    const [{ count }] = (await manager.query(`SELECT COUNT(*) AS "count" FROM ${manager.connection.driver.escape(table)}`)) as { count: string | number }[];
    counts[table] = Number(count);
  }
  return { migrations, auditHead: { seq: head?.seq ?? 0, hash: head?.hash ?? GENESIS_HASH }, counts };
}

/** The database's own tables (on PostgreSQL, those in its public schema). */
export async function tableNames(manager: EntityManager): Promise<string[]> {
  const rows = (await manager.query(
    manager.connection.options.type === 'postgres'
      ? `SELECT "tablename" AS "name" FROM "pg_tables" WHERE "schemaname" = 'public' ORDER BY 1`
      : `SELECT "name" FROM "sqlite_master" WHERE "type" = 'table' AND "name" NOT LIKE 'sqlite_%' ORDER BY 1`,
  )) as { name: string }[];
  return rows.map((row) => row.name);
}

/** Writes `content` to `path` (through a neighbouring partial file, renamed when whole) and answers its SHA-256 and size. */
export async function writeHashed(content: Readable, path: string): Promise<{ sha256: string; size: number }> {
  await mkdir(dirname(path), { recursive: true });
  const hash = createHash('sha256');
  let size = 0;
  const partial = `${path}.partial`;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(content, hashing, createWriteStream(partial, { flags: 'wx' }));
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { sha256: hash.digest('hex'), size };
}

/** The SHA-256 of the file at `path`. */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Runs a PostgreSQL client program (pg_dump, pg_restore) on the database `databaseUrl` names. The
 * password goes in the program's environment, never its arguments (which `ps` shows anyone on the
 * machine), and a failure carries what the program printed, never the command line that held the URL.
 */
export function runClient(program: string, args: string[], databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const password = decodeURIComponent(url.password);
  url.password = '';
  const env = { ...process.env, ...(password && { PGPASSWORD: password }) };
  return new Promise((resolve, reject) =>
    execFile(program, [...args, `--dbname=${url.href}`], { env, maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`${program} stopped (${error.code ?? error.signal}): ${stderr.trim() || 'it printed nothing'}`)) : resolve(),
    ),
  );
}

/** Runs a command-line tool's main: a failure is printed as its message alone and exits 1. */
export function runTool(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
