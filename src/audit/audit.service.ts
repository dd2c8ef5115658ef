import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import { maySeePartResults, readsDataAccessLog, seesAllIntegrity, visibleFindings, visibleRounds } from '../access/visibility';
import { visibleInterviews } from '../access/interview-visibility';
import { readableEntries } from '../access/withheld';
import { AttachmentStorage } from '../attachments/attachment-storage';
import { AppConfig } from '../config/app-config';
import { Page, page } from '../common/pagination';
import { Database } from '../database/database';
import { FindingsService } from '../findings/findings.service';
import type { AuthUser } from '../identity/auth-user';
import { RoundsService } from '../rounds/rounds.service';
import { GENESIS_HASH } from './audit-chain';
import { chainHead, verifyChain } from './audit-verifier';
import { AuditEntryDto, AuditTrailQuery, ChainHeadDto, ChainHeadQuery, ChainVerificationDto, ChainVerificationJobDto, ListAuditQuery } from './audit.dto';
import type { JobStartedDto } from '../jobs/job.dto';
import { Jobs } from '../jobs/jobs';
import { AuditRepository } from './audit.repository';

const VERIFICATION = 'audit_verification';

/** Reads the audit log; only the workflow engine writes it. */
@Injectable()
export class AuditService {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditRepository,
    private readonly rounds: RoundsService,
    private readonly findings: FindingsService,
    private readonly storage: AttachmentStorage,
    private readonly config: AppConfig,
    private readonly jobs: Jobs,
  ) {}

  findingTrail(auth: AuthUser, id: string, query: AuditTrailQuery): Promise<Page<AuditEntryDto>> {
    return this.db.read(async (manager) => {
      await this.findings.findVisible(manager, auth, id);
      const [entries, total] = await this.audit.trail(manager, 'finding', id, query.limit, query.offset);
      return page((await readableEntries(manager, auth, entries)).map(AuditEntryDto.from), total, query);
    });
  }

  roundTrail(auth: AuthUser, id: string, query: AuditTrailQuery): Promise<Page<AuditEntryDto>> {
    return this.db.read(async (manager) => {
      const round = await this.rounds.findVisible(manager, auth, id);
      const withoutIntegrity = !maySeePartResults(auth, round, 'integrity');
      const [entries, total] = await this.audit.trail(manager, 'round', id, query.limit, query.offset, withoutIntegrity);
      return page((await readableEntries(manager, auth, entries)).map(AuditEntryDto.from), total, query);
    });
  }

  list(auth: AuthUser, query: ListAuditQuery): Promise<Page<AuditEntryDto>> {
    const visible = { rounds: visibleRounds(auth), findings: visibleFindings(auth), interviews: visibleInterviews(auth), dataAccess: readsDataAccessLog(auth), integrity: seesAllIntegrity(auth) };
    return this.db.read(async (manager) => {
      const [entries, total] = await this.audit.list(manager, query, visible);
      return page((await readableEntries(manager, auth, entries)).map(AuditEntryDto.from), total, query);
    });
  }

  verify(): Promise<ChainVerificationDto> {
    return verifyChain((work) => this.db.read(work), this.storage);
  }

  /** Verifies the chain in the background, reporting entries checked as it goes. */
  startVerification(auth: AuthUser): Promise<JobStartedDto> {
    return this.jobs.start(auth, VERIFICATION, {}, async (run) => ({ ...(await verifyChain((work) => this.db.read(work), this.storage, run.progress)) }));
  }

  async verification(auth: AuthUser, id: string): Promise<ChainVerificationJobDto> {
    const job = await this.jobs.find(auth, VERIFICATION, id);
    const outcome = (job.result ?? {}) as Partial<ChainVerificationDto>;
    return {
      id: job.id,
      status: job.status,
      createdAt: job.createdAt,
      finishedAt: job.finishedAt,
      ...(job.error !== null && { error: job.error }),
      checked: job.done,
      total: job.total,
      ...(job.total !== null && { headSeq: job.total }),
      ...outcome,
    };
  }

  async head(query: ChainHeadQuery): Promise<ChainHeadDto> {
    const timeZone = this.config.TIME_ZONE;
    const endOfDay = query.date ? DateTime.fromISO(query.date, { zone: timeZone }).plus({ days: 1 }).toJSDate() : undefined;
    const head = await this.db.read((manager) => chainHead(manager, endOfDay));
    const hash = head?.hash ?? GENESIS_HASH;
    return {
      date: query.date ?? null,
      timeZone,
      seq: head?.seq ?? 0,
      at: head?.at ?? null,
      hash,
      digest: hash.slice(0, 20).match(/.{4}/g)!.join(' '),
    };
  }
}
