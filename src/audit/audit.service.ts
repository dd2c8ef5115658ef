import { Injectable } from '@nestjs/common';
import { visibleFindings, visibleRounds } from '../access/visibility';
import { Page, page } from '../common/pagination';
import { Database } from '../database/database.service';
import { FindingsService } from '../findings/findings.service';
import type { AuthUser } from '../identity/auth-user';
import { RoundsService } from '../rounds/rounds.service';
import { AuditEntryDto, AuditTrailQuery, ListAuditQuery } from './audit.dto';
import { AuditRepository } from './audit.repository';

/** Reads the audit log; only the workflow engine writes it. */
@Injectable()
export class AuditService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditRepository,
    private readonly rounds: RoundsService,
    private readonly findings: FindingsService,
  ) {}

  findingTrail(auth: AuthUser, id: string, query: AuditTrailQuery): Promise<Page<AuditEntryDto>> {
    return this.db.read(async (manager) => {
      await this.findings.findVisible(manager, auth, id);
      const [entries, total] = await this.audit.trail(manager, 'finding', id, query.limit, query.offset);
      return page(entries.map(AuditEntryDto.from), total, query);
    });
  }

  roundTrail(auth: AuthUser, id: string, query: AuditTrailQuery): Promise<Page<AuditEntryDto>> {
    return this.db.read(async (manager) => {
      await this.rounds.findVisible(manager, auth, id);
      const [entries, total] = await this.audit.trail(manager, 'round', id, query.limit, query.offset);
      return page(entries.map(AuditEntryDto.from), total, query);
    });
  }

  async list(auth: AuthUser, query: ListAuditQuery): Promise<Page<AuditEntryDto>> {
    const visible = { rounds: visibleRounds(auth), findings: visibleFindings(auth) };
    const [entries, total] = await this.db.read((manager) => this.audit.list(manager, query, visible));
    return page(entries.map(AuditEntryDto.from), total, query);
  }
}
