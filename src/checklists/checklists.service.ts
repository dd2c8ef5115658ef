import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import type { ChecklistRef, RoundType } from '../../workflows';
import { appendAudit } from '../audit/audit-writer';
import { InvalidInputException } from '../common/api-error';
import { Clock } from '../common/clock';
import { Database } from '../database/database';
import { AuthUser, primaryRole } from '../identity/auth-user';
import { ChecklistDto, ListChecklistsQuery, PublishChecklistDto } from './checklist.dto';
import { ChecklistTemplateEntity } from './checklist-template.entity';

@Injectable()
export class ChecklistsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** Every version, newest first; the newest of each type is the one new rounds start with. */
  async list(_auth: AuthUser, query: ListChecklistsQuery): Promise<ChecklistDto[]> {
    const templates = await this.db.read((manager) =>
      manager.find(ChecklistTemplateEntity, {
        where: query.roundType ? { roundType: query.roundType } : {},
        order: { roundType: 'ASC', version: 'DESC' },
      }),
    );
    return templates.map((template, index) => ChecklistDto.from(template, templates[index - 1]?.roundType !== template.roundType));
  }

  async get(_auth: AuthUser, id: string): Promise<ChecklistDto> {
    return this.db.read(async (manager) => {
      const template = await manager.findOneBy(ChecklistTemplateEntity, { id });
      if (!template) throw new NotFoundException(`No checklist ${id}`);
      const latest = await this.latest(manager, template.roundType);
      return ChecklistDto.from(template, latest?.id === template.id);
    });
  }

  /** Publishes the next version of a type's checklist; rounds already planned keep theirs. */
  publish(auth: AuthUser, dto: PublishChecklistDto): Promise<ChecklistDto> {
    return this.db.write(auth.request, async (manager) => {
      const codes = dto.items.map((item) => item.code);
      const repeated = codes.findIndex((code, index) => codes.indexOf(code) !== index);
      if (repeated >= 0) throw new InvalidInputException([{ field: `items[${repeated}].code`, reason: `repeats ${codes[repeated]}` }]);
      // Locking the current version makes concurrent publishers take turns on PostgreSQL.
      const latest = await this.latest(manager, dto.roundType, { lock: true });
      const template = manager.create(ChecklistTemplateEntity, {
        id: randomUUID(),
        roundType: dto.roundType,
        version: (latest?.version ?? 0) + 1,
        title: dto.title,
        items: dto.items.map((item) => ({ ...item, source: item.source ?? null })),
        publishedBy: auth.id,
        publishedAt: this.clock.now(),
      });
      await manager.insert(ChecklistTemplateEntity, template);
      appendAudit(manager, {
        at: template.publishedAt,
        actorId: auth.id,
        actorRole: primaryRole(auth),
        entityType: 'checklist',
        entityId: template.id,
        event: 'CHECKLIST_PUBLISHED',
        payload: { roundType: template.roundType, version: template.version, title: template.title, items: template.items.length },
      });
      return ChecklistDto.from(template, true);
    });
  }

  /** The current checklist of each type, as a round part keeps it. */
  async currentRefs(manager: EntityManager, types: RoundType[]): Promise<Map<RoundType, ChecklistRef>> {
    const refs = new Map<RoundType, ChecklistRef>();
    for (const type of types) {
      const template = await this.latest(manager, type);
      const items = template?.items.map(({ code, maxDeduction, veto }) => ({ code, maxDeduction, veto })) ?? [];
      refs.set(type, { templateId: template?.id ?? null, version: template?.version ?? 0, items });
    }
    return refs;
  }

  findByIds(manager: EntityManager, ids: string[]): Promise<ChecklistTemplateEntity[]> {
    return ids.length === 0 ? Promise.resolve([]) : manager.findBy(ChecklistTemplateEntity, ids.map((id) => ({ id })));
  }

  private latest(manager: EntityManager, roundType: RoundType, { lock = false } = {}): Promise<ChecklistTemplateEntity | null> {
    return manager.findOne(ChecklistTemplateEntity, {
      where: { roundType },
      order: { version: 'DESC' },
      ...(lock && this.db.isPostgres ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }
}
