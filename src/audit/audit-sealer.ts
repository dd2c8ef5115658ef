import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApplicationTask } from '../common/periodic-task';
import { AppConfig } from '../config/app-config';
import { sealChain } from './audit-chain';

/** Entries linked per transaction: a backlog (after a restart) is linked in several short ones. */
const BATCH = 5000;

/**
 * The least time between two runs that commits call for. Under load nearly every commit nudges
 * the sealer; a run each time would cost several round trips per transition in every process, and
 * one run links all that has committed meanwhile anyway. Entries still link within this gap.
 */
const NUDGE_GAP_MS = 50;

/**
 * How the sealer's runs are kept to one at a time per database: sealChain's own transaction-level
 * lock does it, so the runs (one after nearly every commit) take no session lock (Database.exclusively) besides.
 */
const ELECTED_BY_ITS_OWN_LOCK = {
  exclusively: async (_name: string, work: () => Promise<unknown>): Promise<boolean> => {
    await work();
    return true;
  },
};

/**
 * PostgreSQL: links committed entries to the chain (sealChain), every AUDIT_SEAL_INTERVAL_MS and
 * soon after a write of this process commits (NUDGE_GAP_MS). Every instance runs one; the one that takes the
 * sealer's lock links, the others skip their turn. SQLite links entries as they are written.
 */
@Injectable()
export class AuditSealer extends ApplicationTask {
  constructor(@InjectDataSource() private readonly dataSource: DataSource, config: AppConfig) {
    super(ELECTED_BY_ITS_OWN_LOCK, AuditSealer.name, config.isPostgres ? config.AUDIT_SEAL_INTERVAL_MS : 0, () => this.seal(), NUDGE_GAP_MS);
  }

  /** One transaction of sealing; answers how many entries it linked, or null when another instance was sealing. */
  async seal(): Promise<number | null> {
    const linked = await this.dataSource.transaction((manager) => sealChain(manager, BATCH));
    if (linked === BATCH) this.nudge();
    return linked;
  }

  /** Seals soon: a write has committed entries. */
  nudge(): void {
    this.task.nudge();
  }
}
