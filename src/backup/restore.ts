import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MIGRATIONS } from '../../migrations';
import { DiskAttachmentStorage } from '../attachments/attachment-storage';
import { verifyChain } from '../audit/audit-verifier';
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
  tableNames,
  writeHashed,
} from './backup-copy';

/**
 * `npm run restore -- --from DIR`: restores a backup into the empty database DATABASE_URL names and
 * the empty ATTACHMENTS_DIR, then proves the result as `npm run audit:verify` does, against the
 * manifest. Everything in the backup is checked before anything is written.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { from: { type: 'string' } }, strict: true });
  if (!values.from) throw new Error('Usage: npm run restore -- --from DIR (a directory `npm run backup` wrote)');
  const root = resolve(values.from);
  const config = AppConfig.fromEnvironment();
  const manifest = await readManifest(root);
  const kind = config.isPostgres ? 'postgres' : 'sqlite';
  if (manifest.database !== kind) throw new Error(`The backup holds a ${manifest.database} database; DATABASE_URL names a ${kind} one`);
  const known = new Set(MIGRATIONS.map((migration) => migration.name));
  const unknown = manifest.migrations.filter((name) => !known.has(name));
  if (unknown.length > 0) throw new Error(`The backup was made by a newer version of the service: it has migrations this one does not know (${unknown.join(', ')})`);
  await refuseUnlessEmpty(config);
  await checkBackup(root, manifest);

  await restoreDatabase(config, root, manifest);
  await restoreFiles(new DiskAttachmentStorage(config), root, manifest);
  const proof = await verifyRestored(config, manifest);
  process.stdout.write(`${JSON.stringify(proof, null, 2)}\n`);
  if (!proof.ok) throw new Error('The restored copy does not verify: see the result above');
}

async function readManifest(root: string): Promise<BackupManifest> {
  const text = await readFile(join(root, MANIFEST), 'utf8').catch(() => null);
  if (text === null) throw new Error(`${root} holds no ${MANIFEST}: it is not a backup, or its backup did not finish`);
  const manifest = JSON.parse(text) as BackupManifest;
  if (manifest.format !== 1) throw new Error(`${join(root, MANIFEST)} is in a format this version does not read (${String(manifest.format)})`);
  return manifest;
}

/** The database and ATTACHMENTS_DIR the service would use must hold nothing: a restore never merges. */
async function refuseUnlessEmpty(config: AppConfig): Promise<void> {
  const files = await readdir(config.ATTACHMENTS_DIR).catch(() => []);
  if (files.length > 0) throw new Error(`ATTACHMENTS_DIR (${resolve(config.ATTACHMENTS_DIR)}) is not empty: restore into an empty directory`);
  if (!config.isPostgres) {
    for (const path of [config.sqlitePath, `${config.sqlitePath}-wal`]) {
      if (await stat(path).catch(() => null)) throw new Error(`${resolve(path)} exists: restore into a database file that does not exist yet`);
    }
    return;
  }
  const database = await openDatabase(config);
  try {
    const tables = await tableNames(database.manager);
    if (tables.length > 0) throw new Error(`The database DATABASE_URL names is not empty (it has ${tables.length} tables): restore into an empty database`);
  } finally {
    await database.destroy();
  }
}

/** Every file of the backup holds what the manifest says: a damaged backup is refused before anything is written. */
async function checkBackup(root: string, manifest: BackupManifest): Promise<void> {
  const problems: string[] = [];
  const check = async (path: string, expected: string) => {
    const actual = await hashFile(path).catch(() => null);
    if (actual === null) problems.push(`${path} is missing`);
    else if (actual !== expected) problems.push(`${path} has SHA-256 ${actual}, not the ${expected} the manifest records`);
  };
  await check(join(root, DATABASE_FILES[manifest.database]), manifest.databaseSha256);
  for (const { sha256, thumbnailSha256 } of manifest.attachments) {
    await check(backupPathOf(root, sha256), sha256);
    if (thumbnailSha256) await check(backupThumbnailPathOf(root, sha256), thumbnailSha256);
  }
  if (problems.length > 0) throw new Error(`The backup in ${root} is damaged; nothing was restored:\n  ${problems.join('\n  ')}`);
}

async function restoreDatabase(config: AppConfig, root: string, manifest: BackupManifest): Promise<void> {
  const source = join(root, DATABASE_FILES[manifest.database]);
  if (config.isPostgres) {
    // One transaction: a restore that fails leaves the database empty. Objects belong to whoever restores.
    await runClient('pg_restore', ['--single-transaction', '--exit-on-error', '--no-owner', '--no-acl', source], config.DATABASE_URL);
    return;
  }
  const partial = `${config.sqlitePath}.partial`;
  await mkdir(dirname(config.sqlitePath), { recursive: true });
  await copyFile(source, partial);
  await rename(partial, config.sqlitePath);
}

/** Through the storage the service uses: each file is received into its scratch directory, hashed, then stored. */
async function restoreFiles(storage: DiskAttachmentStorage, root: string, manifest: BackupManifest): Promise<void> {
  for (const { sha256, thumbnailSha256 } of manifest.attachments) {
    const scratch = join(storage.scratchDirectory, `restore-${sha256}`);
    const copied = await writeHashed(createReadStream(backupPathOf(root, sha256)), scratch);
    if (copied.sha256 !== sha256) {
      await rm(scratch, { force: true });
      throw new Error(`${backupPathOf(root, sha256)} changed while it was restored`);
    }
    await storage.store(sha256, scratch);
    if (thumbnailSha256) await storage.storeThumbnail(sha256, await readFile(backupThumbnailPathOf(root, sha256)));
  }
}

/**
 * The proof `npm run audit:verify` gives, on the restored copy: the chain verifies to the
 * manifest's head, every restored file holds its content, and the tables hold as many rows.
 */
async function verifyRestored(config: AppConfig, manifest: BackupManifest) {
  const storage = new DiskAttachmentStorage(config);
  const database = await openDatabase(config);
  try {
    const chain = await verifyChain((work) => work(database.manager), storage);
    const { auditHead, counts } = await describeDatabase(database.manager);
    const headMatches = chain.headSeq === manifest.auditHead.seq && chain.head === manifest.auditHead.hash && auditHead.seq === manifest.auditHead.seq;
    const countsDiffer = Object.keys({ ...counts, ...manifest.counts }).filter((table) => counts[table] !== manifest.counts[table]);
    const filesDiffer: string[] = [];
    for (const { sha256 } of manifest.attachments) {
      if ((await storage.currentHash(sha256)) !== sha256) filesDiffer.push(sha256);
    }
    return {
      ok: chain.ok && headMatches && countsDiffer.length === 0 && filesDiffer.length === 0,
      chain,
      manifestHead: manifest.auditHead,
      headMatches,
      attachmentsRestored: manifest.attachments.length,
      ...(countsDiffer.length > 0 && { countsDiffer }),
      ...(filesDiffer.length > 0 && { filesDiffer }),
    };
  } finally {
    await database.destroy();
  }
}

runTool(main);
