import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { Database } from '../database/database';
import type { AuthUser } from '../identity/auth-user';
import { DataAccessEvent, recordSecurityEvent, signedIn } from '../identity/security-events';

/** A copy of data someone took: which document, in which format, drawn with which filters, holding how many rows. */
export interface DataAccess {
  event: DataAccessEvent;
  format: string;
  filter: Record<string, unknown>;
  rows: number;
  /** The finding a case file is of; none for reports. */
  findingId?: string;
}

/**
 * Who took what: every exported file and every notice or case file read is a security event
 * (entity type `data_access`), which the discipline office reads through GET /audit.
 */
@Injectable()
export class DataAccessLog {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  record(auth: AuthUser, access: DataAccess): Promise<void> {
    const { event, findingId, ...payload } = access;
    return this.db.write(auth.request, async (manager) =>
      recordSecurityEvent(manager, { at: this.clock.now(), type: event, actor: signedIn(auth), entityType: 'data_access', entityId: findingId ?? null, payload }),
    );
  }
}
