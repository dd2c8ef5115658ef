import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { DiskAttachmentStorage } from '../attachments/attachment-storage';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from '../database/data-source-options';
import { withEveryEntity } from '../every-entity';
import { verifyChain } from './audit-verifier';

/**
 * `npm run audit:verify`: recomputes the audit chain and the evidence files' hashes against the
 * database DATABASE_URL names (the service may keep running), prints the result as JSON, and
 * exits 1 if anything does not verify. Entries not linked to the chain yet (PostgreSQL links each
 * shortly after it commits) are counted as `unlinked`, not checked, and break nothing.
 */
async function main(): Promise<void> {
  const config = AppConfig.fromEnvironment();
  const dataSource = await new DataSource(withEveryEntity(dataSourceOptions(config))).initialize();
  try {
    const started = performance.now();
    const result = await verifyChain((work) => work(dataSource.manager), new DiskAttachmentStorage(config));
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    process.stderr.write(`${result.checked} entries in ${seconds.toFixed(1)} s: ${Math.round(result.checked / seconds)} entries/s; ${result.unlinked} not linked yet\n`);
    process.exitCode = result.ok ? 0 : 1;
  } finally {
    await dataSource.destroy();
  }
}

void main();
