import { ConflictException, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { PublishedAudience } from '../access/visibility';
import { monthWindow } from '../assessments/assessment';
import { AssessmentsService } from '../assessments/assessments.service';
import { appendAudit } from '../audit/audit-writer';
import { InvalidInputException } from '../common/api-error';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { AuthUser, primaryRole } from '../identity/auth-user';
import { DepartmentEntity } from '../identity/department.entity';
import { PublishedMonthEntity, PublishedMonthViewEntity } from '../published-months/published-month.entity';
import { readerOf } from '../published-months/published-months';
import { NoticeService } from './notice.service';
import { PublishMonthDto, PublishedMonthDto } from './notice.dto';

/**
 * Publishing a month's notice freezes its figures: the notice and the assessments are computed
 * once for each audience, as a reader of that audience sees them, and stored; from then on they
 * answer that month. A month is published once: what changes later counts in the month it happens.
 */
@Injectable()
export class NoticePublisher {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly notices: NoticeService,
    private readonly assessments: AssessmentsService,
  ) {}

  async publish(auth: AuthUser, dto: PublishMonthDto): Promise<PublishedMonthDto> {
    const now = this.clock.now();
    const window = monthWindow(dto.month, this.config.TIME_ZONE, now);
    if (window.end > now) throw new InvalidInputException([{ field: 'month', reason: `must have ended (${dto.month} ends at ${window.end.toISOString()})` }]);
    // Published already: nothing to compute. Still through a unit of work, so a retry with its Idempotency-Key replays the first answer.
    if (await this.db.read((manager) => manager.existsBy(PublishedMonthEntity, { month: dto.month }))) {
      return this.db.write(auth.request, () => Promise.reject(this.published(dto.month)));
    }
    const departments = await this.db.read((manager) => manager.find(DepartmentEntity, { select: { id: true }, order: { code: 'ASC' } }));
    const audiences: PublishedAudience[] = [{ kind: 'integrity' }, { kind: 'hospital' }, ...departments.map((d) => ({ kind: 'department' as const, departmentId: d.id }))];
    const views: PublishedMonthViewEntity[] = [];
    for (const audience of audiences) {
      const reader = readerOf(audience, auth.request);
      const [notice, assessments] = [await this.notices.liveFigures(reader, { month: dto.month }), await this.assessments.liveTracking(reader, { month: dto.month })];
      views.push({
        id: randomUUID(),
        month: dto.month,
        audience: audience.kind,
        departmentId: audience.kind === 'department' ? audience.departmentId : null,
        notice: { ...notice, publishedAt: now },
        assessments: { ...assessments, publishedAt: now },
      });
    }
    return this.db.write(auth.request, async (manager) => {
      const month: PublishedMonthEntity = { id: randomUUID(), month: dto.month, publishedAt: now, publishedBy: auth.id };
      // A publication made meanwhile (another instance) wins; this one is then refused like any second one.
      await manager.createQueryBuilder().insert().into(PublishedMonthEntity).values(month).orIgnore().execute();
      if ((await manager.findOneByOrFail(PublishedMonthEntity, { month: dto.month })).id !== month.id) throw this.published(dto.month);
      await manager.insert(PublishedMonthViewEntity, views);
      appendAudit(manager, {
        at: now,
        actorId: auth.id,
        actorRole: primaryRole(auth),
        entityType: 'published_month',
        entityId: dto.month,
        event: 'MONTH_PUBLISHED',
        payload: { views: views.length, departments: departments.length },
      });
      return { month: dto.month, publishedAt: now, publishedBy: auth.id, views: views.length };
    });
  }

  private published(month: string): ConflictException {
    return new ConflictException(`${month} is published; its figures are not republished (later events count in the month they happen)`);
  }
}
