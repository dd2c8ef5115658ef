import { Injectable, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { EntityManager, IsNull } from 'typeorm';
import { scopedQuery, visibleFindings } from '../access/visibility';
import { monthWindow } from '../assessments/assessment';
import { appendAudit } from '../audit/audit-writer';
import { InvalidInputException } from '../common/api-error';
import { Clock } from '../common/clock';
import { Page, PageQuery, page } from '../common/pagination';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { Applied, EnvelopedEvent, WorkflowEngine } from '../engine/workflow.engine';
import { FindingDto } from '../findings/finding.dto';
import { FindingEntity } from '../findings/finding.entity';
import { FINDING } from '../findings/finding.kind';
import { AuthUser, primaryRole, toActor } from '../identity/auth-user';
import { recordSecurityEvent } from '../identity/security-events';
import type { FindingContext } from '../../workflows';
import { ClosureAuditDrawEntity, ClosureAuditSampleEntity } from './closure-audit-sample.entity';
import { ClosureAuditItemDto, ClosureSampleDto, DrawSampleDto } from './closure-audit.dto';
import { SAMPLING_METHOD, drawSample } from './sampling';

/**
 * The discipline office's closure audit (纪委抽查): findings the machine sends to it, and a monthly
 * sample of the other closed findings. Both are decided by finding events (AUDIT_APPROVE, AUDIT_REJECT,
 * REOPEN); a sampled finding's review is recorded by the transition that decides it.
 */
@Injectable()
export class ClosureAuditsService implements OnModuleInit {
  constructor(
    private readonly db: Database,
    private readonly engine: WorkflowEngine,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.engine.effects(FINDING, {
      closureReviewed: (manager, finding, event) => this.recordReview(manager, finding.row.id, event),
      selfAuditAllowed: (manager, finding, event) => this.recordAllowance(manager, finding, event),
    });
  }

  queue(auth: AuthUser, query: PageQuery): Promise<Page<ClosureAuditItemDto>> {
    return this.db.read(async (manager) => {
      const scope = visibleFindings(auth);
      const required = scopedQuery(manager, FindingEntity, scope).andWhere(`"finding"."state" = 'closure_audit'`);
      const sampled = scopedQuery(manager, FindingEntity, scope)
        .innerJoin(ClosureAuditSampleEntity, 'sample', 'sample.findingId = finding.id AND sample.outcome IS NULL')
        .addSelect('sample.month', 'sampleMonth');
      const [requiredTotal, sampledTotal] = [await required.getCount(), await sampled.getCount()];
      const requiredRows =
        query.offset < requiredTotal
          ? await required.orderBy('finding.updatedAt', 'ASC').addOrderBy('finding.id', 'ASC').offset(query.offset).limit(query.limit).getMany()
          : [];
      const room = query.limit - requiredRows.length;
      const sampledRows =
        room > 0
          ? await sampled
              .orderBy('sample.month', 'ASC')
              .addOrderBy('finding.closedAt', 'ASC')
              .addOrderBy('finding.id', 'ASC')
              .offset(Math.max(0, query.offset - requiredTotal))
              .limit(room)
              .getRawAndEntities()
          : { entities: [], raw: [] };
      const item = (finding: FindingEntity, reason: ClosureAuditItemDto['reason'], month: string | null): ClosureAuditItemDto => ({
        reason,
        month,
        finding: FindingDto.from(finding, this.engine.availableEvents(finding, toActor(auth))),
      });
      return page(
        [
          ...requiredRows.map((finding) => item(finding, 'required', null)),
          ...sampledRows.entities.map((finding, index) => item(finding, 'sampled', (sampledRows.raw[index] as { sampleMonth: string }).sampleMonth)),
        ],
        requiredTotal + sampledTotal,
        query,
      );
    });
  }

  /** Draws the month's sample, once: asked again, it answers with the sample drawn before. */
  draw(auth: AuthUser | null, dto: DrawSampleDto): Promise<ClosureSampleDto> {
    const now = this.clock.now();
    const window = monthWindow(dto.month, this.config.TIME_ZONE, now);
    if (window.end > now) throw new InvalidInputException([{ field: 'month', reason: `must have ended (${dto.month} ends at ${window.end.toISOString()})` }]);
    return this.db.write(auth?.request ?? null, async (manager) => {
      const drawn = await this.drawn(manager, dto.month);
      if (drawn) return drawn;
      const candidates = await manager
        .createQueryBuilder(FindingEntity, 'finding')
        .select('finding.id', 'id')
        .where(`finding.state = 'closed' AND finding.roundType <> 'integrity' AND finding.severity <> 'critical'`)
        .andWhere('finding.closedAt >= :start AND finding.closedAt < :end', { start: window.start, end: window.end })
        .getRawMany<{ id: string }>();
      const size = this.config.CLOSURE_AUDIT_SAMPLE;
      const findingIds = drawSample(dto.month, candidates.map((row) => row.id), size);
      const draw: ClosureAuditDrawEntity = { month: dto.month, id: randomUUID(), candidates: candidates.length, size, drawnAt: now, drawnBy: auth?.id ?? null };
      // A draw made meanwhile by another instance wins; this one then answers with it.
      await manager.createQueryBuilder().insert().into(ClosureAuditDrawEntity).values(draw).orIgnore().execute();
      if ((await manager.findOneBy(ClosureAuditDrawEntity, { month: dto.month }))?.id !== draw.id) return (await this.drawn(manager, dto.month))!;
      if (findingIds.length > 0) {
        await manager.insert(
          ClosureAuditSampleEntity,
          findingIds.map((findingId) => ({ id: randomUUID(), month: dto.month, findingId, drawnAt: now, outcome: null, reviewedAt: null, reviewedBy: null })),
        );
      }
      appendAudit(manager, {
        at: now,
        actorId: auth?.id ?? null,
        actorRole: auth ? primaryRole(auth) : 'system',
        entityType: 'closure_audit',
        entityId: draw.id,
        event: 'CLOSURE_SAMPLE_DRAWN',
        payload: { month: dto.month, candidates: candidates.length, size, findingIds, method: SAMPLING_METHOD },
      });
      return { month: dto.month, candidates: candidates.length, size, findingIds, method: SAMPLING_METHOD, drawnAt: now };
    });
  }

  /** After a month has ended, its sample is drawn without anyone asking. */
  async drawLastMonth(): Promise<void> {
    const lastMonth = DateTime.fromJSDate(this.clock.now(), { zone: this.config.TIME_ZONE }).minus({ months: 1 }).toFormat('yyyy-MM');
    if (!(await this.db.read((manager) => this.drawn(manager, lastMonth)))) await this.draw(null, { month: lastMonth });
  }

  private async drawn(manager: EntityManager, month: string): Promise<ClosureSampleDto | null> {
    const draw = await manager.findOneBy(ClosureAuditDrawEntity, { month });
    if (!draw) return null;
    const samples = await manager.find(ClosureAuditSampleEntity, { where: { month } });
    const order = drawSample(month, samples.map((sample) => sample.findingId), samples.length);
    return { month, candidates: draw.candidates, size: draw.size, findingIds: order, method: SAMPLING_METHOD, drawnAt: draw.drawnAt };
  }

  /** The separation of duties set aside for one finding is a security event, which the month's notice lists. */
  private recordAllowance(manager: EntityManager, finding: Applied<FindingEntity>, event: EnvelopedEvent): void {
    const { acceptedBy, reason } = (finding.snapshot.context as FindingContext).selfAuditAllowance!;
    recordSecurityEvent(manager, {
      at: new Date(event.at),
      type: 'SELF_AUDIT_ALLOWED',
      actor: { id: event.actor.id, role: 'discipline_office' },
      entityType: 'finding',
      entityId: finding.row.id,
      payload: { acceptedBy, reason },
    });
  }

  private async recordReview(manager: EntityManager, findingId: string, event: EnvelopedEvent): Promise<void> {
    await manager.update(
      ClosureAuditSampleEntity,
      { findingId, outcome: IsNull() },
      { outcome: event.type === 'REOPEN' ? 'reopened' : 'approved', reviewedAt: new Date(event.at), reviewedBy: event.actor.id },
    );
  }
}
