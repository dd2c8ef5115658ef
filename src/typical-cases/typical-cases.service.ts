import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager, In, SelectQueryBuilder } from 'typeorm';
import type { FindingProgress } from '../../workflows';
import { scopedQuery, visibleFindings } from '../access/visibility';
import { yearWindow, type PeriodWindow } from '../assessments/assessment';
import { appendAudit } from '../audit/audit-writer';
import { Clock } from '../common/clock';
import { Page, page } from '../common/pagination';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { RowMapper } from '../database/row-mapper';
import { FindingEntity } from '../findings/finding.entity';
import { AuthUser, primaryRole } from '../identity/auth-user';
import { DepartmentEntity } from '../identity/department.entity';
import { ListTypicalCasesQuery, MarkTypicalCaseDto, TypicalCaseDto } from './typical-case.dto';
import { TypicalCaseEntity } from './typical-case.entity';

/** Typical cases (典型案例): the discipline office marks them; everyone reads those among the findings they may see. */
@Injectable()
export class TypicalCasesService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** Marks the finding as a typical case, or changes why; the same reason again writes nothing. */
  mark(auth: AuthUser, findingId: string, dto: MarkTypicalCaseDto): Promise<TypicalCaseDto> {
    return this.db.write(auth.request, async (manager) => {
      const finding = await this.visibleFinding(manager, auth, findingId);
      if (finding.state === 'withdrawn') throw new ConflictException(`Finding ${findingId} was withdrawn: it is no case to learn from`);
      const marked = await manager.findOneBy(TypicalCaseEntity, { findingId });
      if (marked?.reason !== dto.reason) {
        const now = this.clock.now();
        await manager.save(TypicalCaseEntity, { findingId, reason: dto.reason, markedBy: auth.id, markedAt: marked?.markedAt ?? now });
        this.audit(manager, auth, findingId, 'MARK_TYPICAL_CASE', { reason: dto.reason, ...(marked && { previousReason: marked.reason }) });
      }
      return (await this.toDtos(manager, await this.cases(manager, auth).andWhere('"finding"."id" = :findingId', { findingId }).getMany()))[0];
    });
  }

  unmark(auth: AuthUser, findingId: string): Promise<void> {
    return this.db.write(auth.request, async (manager) => {
      await this.visibleFinding(manager, auth, findingId);
      const marked = await manager.findOneBy(TypicalCaseEntity, { findingId });
      if (!marked) throw new NotFoundException(`Finding ${findingId} is not a typical case`);
      await manager.delete(TypicalCaseEntity, { findingId });
      this.audit(manager, auth, findingId, 'UNMARK_TYPICAL_CASE', { reason: marked.reason });
    });
  }

  list(auth: AuthUser, query: ListTypicalCasesQuery): Promise<Page<TypicalCaseDto>> {
    const window = yearWindow(query.year, this.config.TIME_ZONE, this.clock.now());
    return this.db.read(async (manager) => {
      const cases = this.loggedWithin(this.cases(manager, auth), window);
      const [findings, total] = await Promise.all([cases.clone().limit(query.limit).offset(query.offset).getMany(), cases.getCount()]);
      return page(await this.toDtos(manager, findings), total, query);
    });
  }

  /** Every typical case among the findings the reader may see that were logged in the window, the first marked first: the annual notice's. */
  within(auth: AuthUser, window: PeriodWindow): Promise<TypicalCaseDto[]> {
    return this.db.read(async (manager) => this.toDtos(manager, await this.loggedWithin(this.cases(manager, auth), window).getMany()));
  }

  /** The reader's visible findings that are typical cases, the first marked first. */
  private cases(manager: EntityManager, auth: AuthUser): SelectQueryBuilder<FindingEntity> {
    return scopedQuery(manager, FindingEntity, visibleFindings(auth))
      .innerJoin(TypicalCaseEntity, 'typical', '"typical"."findingId" = "finding"."id"')
      .orderBy('"typical"."markedAt"', 'ASC')
      .addOrderBy('"finding"."id"', 'ASC');
  }

  private async toDtos(manager: EntityManager, findings: FindingEntity[]): Promise<TypicalCaseDto[]> {
    if (findings.length === 0) return [];
    const [cases, departments] = await Promise.all([
      manager.findBy(TypicalCaseEntity, { findingId: In(findings.map((finding) => finding.id)) }),
      manager.findBy(DepartmentEntity, { id: In([...new Set(findings.map((finding) => finding.responsibleDepartmentId))]) }),
    ]);
    const caseOf = new Map(cases.map((typical) => [typical.findingId, typical]));
    const nameOf = new Map(departments.map((department) => [department.id, department.name]));
    return findings.map((finding) => {
      const { reason, markedAt } = caseOf.get(finding.id)!;
      const { id, title, responsibleDepartmentId: departmentId, roundType, source, severity, createdAt: foundAt } = finding;
      return { findingId: id, title, departmentId, departmentName: nameOf.get(departmentId)!, roundType, source, severity, state: finding.state as FindingProgress, foundAt, reason, markedAt };
    });
  }

  private loggedWithin<T extends SelectQueryBuilder<FindingEntity>>(cases: T, window: PeriodWindow): T {
    return cases.andWhere('"finding"."createdAt" >= :start AND "finding"."createdAt" < :end', { start: window.start, end: window.end });
  }

  /** The finding, if the caller may see it, locked on PostgreSQL so concurrent marks of it take turns (SQLite writes one at a time). */
  private async visibleFinding(manager: EntityManager, auth: AuthUser, findingId: string): Promise<FindingEntity> {
    const finding = await RowMapper.of(manager, FindingEntity).findById(manager, findingId, { lock: true, scope: visibleFindings(auth) });
    if (!finding) throw new NotFoundException(`No finding ${findingId}`);
    return finding;
  }

  private audit(manager: EntityManager, auth: AuthUser, findingId: string, event: string, payload: Record<string, unknown>): void {
    appendAudit(manager, { at: this.clock.now(), actorId: auth.id, actorRole: primaryRole(auth), entityType: 'finding', entityId: findingId, event, payload });
  }
}
