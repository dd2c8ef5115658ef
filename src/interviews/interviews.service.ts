import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { recordsInterviews, visibleInterviews } from '../access/interview-visibility';
import { scopedQuery } from '../access/visibility';
import { visibleFindingIds } from '../access/withheld';
import { AttachmentsService } from '../attachments/attachments.service';
import { appendAudit } from '../audit/audit-writer';
import { InvalidInputException } from '../common/api-error';
import { Clock } from '../common/clock';
import { Page, page } from '../common/pagination';
import { Database } from '../database/database';
import { FindingEntity } from '../findings/finding.entity';
import { responsibleDepartment } from '../findings/responsible-department';
import { AuthUser, primaryRole } from '../identity/auth-user';
import { DepartmentEntity } from '../identity/department.entity';
import { IdentityRepository } from '../identity/identity.repository';
import { inPartyBranch } from '../identity/in-party-branch';
import { InterviewDto, InterviewFilters, ListInterviewsQuery, RecordInterviewDto } from './interview.dto';
import { InterviewEntity } from './interview.entity';

/** Admonition interviews (约谈): recorded by the discipline office and the lead offices, read by the rule in src/access. */
@Injectable()
export class InterviewsService {
  constructor(
    private readonly db: Database,
    private readonly identity: IdentityRepository,
    private readonly attachments: AttachmentsService,
    private readonly clock: Clock,
  ) {}

  /** Records the interview, its files and its audit entry in one unit of work. */
  record(auth: AuthUser, dto: RecordInterviewDto): Promise<InterviewDto> {
    if (!recordsInterviews(auth)) throw new ForbiddenException('Admonition interviews are recorded by the discipline office and the lead offices');
    return this.db.write(auth.request, async (manager) => {
      const now = this.clock.now();
      const id = randomUUID();
      const integrity = await this.checkSubject(manager, auth, dto, this.clock.dateOf(now));
      const attachments = await this.attachments.resolveForInterview(manager, auth, dto.attachmentIds ?? [], id, 'attachmentIds');
      const interview: InterviewEntity = {
        id,
        departmentId: dto.departmentId,
        personId: dto.personId ?? null,
        findingIds: dto.findingIds,
        heldOn: dto.heldOn,
        summary: dto.summary,
        attachments,
        integrity,
        recordingOfficeFor: auth.leadOfficeFor,
        recordedBy: auth.id,
        recordedAt: now,
      };
      await manager.insert(InterviewEntity, interview);
      await this.attachments.attachToInterview(manager, attachments, id, now);
      const { id: _id, recordedBy: _by, recordedAt: _at, ...payload } = interview;
      appendAudit(manager, { at: now, actorId: auth.id, actorRole: primaryRole(auth), entityType: 'interview', entityId: id, event: 'RECORD_INTERVIEW', payload });
      return (await this.toDtos(manager, [interview]))[0];
    });
  }

  list(auth: AuthUser, query: ListInterviewsQuery): Promise<Page<InterviewDto>> {
    return this.db.read(async (manager) => {
      const [rows, total] = await this.matching(manager, auth, query).limit(query.limit).offset(query.offset).getManyAndCount();
      return page(await this.toDtos(manager, rows), total, query);
    });
  }

  get(auth: AuthUser, id: string): Promise<InterviewDto> {
    return this.db.read(async (manager) => {
      const row = await scopedQuery(manager, InterviewEntity, visibleInterviews(auth)).andWhere('"interview"."id" = :id', { id }).getOne();
      if (!row) throw new NotFoundException(`No interview ${id}`);
      return (await this.toDtos(manager, [row]))[0];
    });
  }

  /** Every interview the caller may see that `filters` select (a finding's, for its case file; a month's, for the tracking workbook). */
  all(auth: AuthUser, filters: InterviewFilters): Promise<InterviewDto[]> {
    return this.db.read(async (manager) => this.toDtos(manager, await this.matching(manager, auth, filters).getMany()));
  }

  /** The latest held first. */
  private matching(manager: EntityManager, auth: AuthUser, filters: InterviewFilters): SelectQueryBuilder<InterviewEntity> {
    const builder = scopedQuery(manager, InterviewEntity, visibleInterviews(auth));
    if (filters.departmentId) builder.andWhere('"interview"."departmentId" = :departmentId', { departmentId: filters.departmentId });
    if (filters.partyBranchId) builder.andWhere(inPartyBranch('"interview"."departmentId"'), { partyBranchId: filters.partyBranchId });
    // Dates as YYYY-MM-DD sort as text.
    if (filters.month) builder.andWhere('"interview"."heldOn" BETWEEN :monthStart AND :monthEnd', { monthStart: `${filters.month}-01`, monthEnd: `${filters.month}-31` });
    // A UUID (validated) holds no LIKE wildcard.
    if (filters.findingId) builder.andWhere('"interview"."findingIds" LIKE :findingId', { findingId: `%"${filters.findingId}"%` });
    return builder.orderBy('"interview"."heldOn"', 'DESC').addOrderBy('"interview"."recordedAt"', 'DESC').addOrderBy('"interview"."id"', 'ASC');
  }

  /**
   * Refuses (400 naming the field) a department or person that is not there, a finding the caller
   * cannot see or of another department, a date to come; an integrity matter is the discipline
   * office's alone (403). Answers whether the interview is about an integrity finding.
   */
  private async checkSubject(manager: EntityManager, auth: AuthUser, dto: RecordInterviewDto, today: string): Promise<boolean> {
    await responsibleDepartment(manager, this.identity, dto.departmentId, dto.personId, { departmentField: 'departmentId', personField: 'personId' });
    if (dto.heldOn > today) throw new InvalidInputException([{ field: 'heldOn', reason: `must not be after today (${today})` }]);
    const visible = [...(await visibleFindingIds(manager, auth, dto.findingIds))];
    const findings = new Map(
      (visible.length ? await manager.find(FindingEntity, { select: { id: true, responsibleDepartmentId: true, roundType: true }, where: { id: In(visible) } }) : []).map((f) => [f.id, f]),
    );
    const problems = dto.findingIds.flatMap((id, index) => {
      const finding = findings.get(id);
      if (!finding) return [{ field: `findingIds[${index}]`, reason: 'names no finding you can see' }];
      if (finding.responsibleDepartmentId !== dto.departmentId) return [{ field: `findingIds[${index}]`, reason: 'is not a finding of that department' }];
      return [];
    });
    if (problems.length > 0) throw new InvalidInputException(problems);
    const integrity = [...findings.values()].some((finding) => finding.roundType === 'integrity');
    if (integrity && !auth.roles.includes('discipline_office')) throw new ForbiddenException('Only the discipline office records an interview about integrity findings');
    return integrity;
  }

  private async toDtos(manager: EntityManager, rows: InterviewEntity[]): Promise<InterviewDto[]> {
    if (rows.length === 0) return [];
    const departmentIds = [...new Set(rows.map((row) => row.departmentId))];
    const userIds = [...new Set(rows.flatMap((row) => (row.personId ? [row.recordedBy, row.personId] : [row.recordedBy])))];
    const [departments, users] = await Promise.all([manager.findBy(DepartmentEntity, { id: In(departmentIds) }), this.identity.findUsers(manager, userIds)]);
    const departmentNames = new Map(departments.map((department) => [department.id, department.name]));
    const userNames = new Map(users.map((user) => [user.id, user.displayName]));
    return rows.map((row) => ({
      id: row.id,
      departmentId: row.departmentId,
      departmentName: departmentNames.get(row.departmentId) ?? '',
      personId: row.personId,
      personName: row.personId ? (userNames.get(row.personId) ?? null) : null,
      findingIds: row.findingIds,
      heldOn: row.heldOn,
      summary: row.summary,
      attachments: row.attachments,
      recordedBy: row.recordedBy,
      recordedByName: userNames.get(row.recordedBy) ?? '',
      recordedAt: row.recordedAt,
    }));
  }
}
