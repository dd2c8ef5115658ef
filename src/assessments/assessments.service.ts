import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { FINDING_SETTLED_STATES } from '../../workflows';
import { AuditEntryEntity } from '../audit/audit-entry.entity';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database.service';
import { FindingEntity } from '../findings/finding.entity';
import type { AuthUser } from '../identity/auth-user';
import { DepartmentEntity } from '../identity/department.entity';
import { RoundEntity } from '../rounds/round.entity';
import { FindingFacts, HeldRound, MonthWindow, assessDepartment, monthWindow } from './assessment';
import { AssessmentQuery, AssessmentReportDto } from './assessment.dto';

/** Roles that see every department's figures; anyone else sees their own department's. */
const HOSPITAL_WIDE = ['admin', 'discipline_office', 'verifier', 'round_lead'] as const;

@Injectable()
export class AssessmentsService {
  constructor(
    private readonly db: Database,
    private readonly config: AppConfig,
  ) {}

  async monthly(auth: AuthUser, query: AssessmentQuery): Promise<AssessmentReportDto> {
    const departmentId = this.departmentInScope(auth, query.departmentId);
    const window = monthWindow(query.month, this.config.TIME_ZONE);
    const weights = this.config.assessmentWeights;
    return this.db.read(async (manager) => {
      const departments = await manager.find(DepartmentEntity, { where: departmentId ? { id: departmentId } : {}, order: { code: 'ASC' } });
      if (departmentId && departments.length === 0) throw new NotFoundException(`No department ${departmentId}`);
      const ids = departments.map((d) => d.id);
      const [rounds, findings, reopenings] = await Promise.all([
        this.heldRounds(manager, window, ids),
        this.findingsThatMayCount(manager, window, ids),
        this.reopenings(manager, window, ids),
      ]);
      const items = departments.map((department) => ({
        ...assessDepartment(
          department.id,
          window,
          rounds.filter((r) => r.departmentId === department.id),
          findings.filter((f) => f.responsibleDepartmentId === department.id),
          reopenings.filter((r) => r === department.id).length,
          weights,
        ),
        departmentCode: department.code,
        departmentName: department.name,
      }));
      return { month: window.month, timeZone: this.config.TIME_ZONE, from: window.start, to: window.end, weights, items };
    });
  }

  private departmentInScope(auth: AuthUser, asked: string | undefined): string | undefined {
    if (HOSPITAL_WIDE.some((role) => auth.roles.includes(role))) return asked;
    if (!auth.departmentId || (asked && asked !== auth.departmentId)) {
      throw new ForbiddenException("A department's figures are for that department and the hospital's offices");
    }
    return auth.departmentId;
  }

  private async heldRounds(manager: EntityManager, window: MonthWindow, departmentIds: string[]): Promise<HeldRound[]> {
    return manager
      .createQueryBuilder(RoundEntity, 'round')
      .select(['round.departmentId', 'round.score', 'round.vetoed'])
      .where('round.scheduledFor BETWEEN :firstDay AND :lastDay', window)
      .andWhere('round.state IN (:...held)', { held: ['submitted', 'completed'] })
      .andWhere('round.departmentId IN (:...departmentIds)', { departmentIds: [...departmentIds, ''] })
      .getMany();
  }

  /** Findings logged before the month ended that were logged, closed, or still open in it. */
  private findingsThatMayCount(manager: EntityManager, window: MonthWindow, departmentIds: string[]): Promise<FindingFacts[]> {
    return manager
      .createQueryBuilder(FindingEntity, 'finding')
      .select(['finding.responsibleDepartmentId', 'finding.roundType', 'finding.severity', 'finding.state', 'finding.createdAt', 'finding.closedAt', 'finding.deadline'])
      .where('finding.createdAt < :end', { end: window.end })
      .andWhere('(finding.createdAt >= :start OR finding.closedAt >= :start OR finding.state NOT IN (:...settled))', {
        start: window.start,
        settled: FINDING_SETTLED_STATES,
      })
      .andWhere('finding.responsibleDepartmentId IN (:...departmentIds)', { departmentIds: [...departmentIds, ''] })
      .getMany() as Promise<FindingFacts[]>;
  }

  /** The responsible department of each finding reopened in the month, once per reopening. */
  private async reopenings(manager: EntityManager, window: MonthWindow, departmentIds: string[]): Promise<string[]> {
    const rows: { departmentId: string }[] = await manager
      .createQueryBuilder(AuditEntryEntity, 'entry')
      .innerJoin(FindingEntity, 'finding', 'finding.id = entry.entityId')
      .select('finding.responsibleDepartmentId', 'departmentId')
      .where("entry.entityType = 'finding' AND entry.event = 'REOPEN'")
      .andWhere('entry.at >= :start AND entry.at < :end', { start: window.start, end: window.end })
      .andWhere('finding.responsibleDepartmentId IN (:...departmentIds)', { departmentIds: [...departmentIds, ''] })
      .getRawMany();
    return rows.map((row) => row.departmentId);
  }
}
