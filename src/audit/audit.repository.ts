import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { EntityType } from '../../workflows';
import { AuditEntryEntity } from './audit-entry.entity';
import { ListAuditQuery } from './audit.dto';

@Injectable()
export class AuditRepository {
  trail(manager: EntityManager, entityType: EntityType, entityId: string, limit: number, offset: number) {
    return manager.findAndCount(AuditEntryEntity, {
      where: { entityType, entityId },
      order: { seq: 'ASC' },
      take: limit,
      skip: offset,
    });
  }

  list(manager: EntityManager, query: ListAuditQuery): Promise<[AuditEntryEntity[], number]> {
    const builder = manager.createQueryBuilder(AuditEntryEntity, 'entry');
    if (query.entityType) builder.andWhere('entry.entityType = :entityType', { entityType: query.entityType });
    if (query.entityId) builder.andWhere('entry.entityId = :entityId', { entityId: query.entityId });
    if (query.actorId) builder.andWhere('entry.actorId = :actorId', { actorId: query.actorId });
    // Instants are bound as the driver stores them (UTC text on SQLite, timestamptz on PostgreSQL).
    const at = manager.connection.getMetadata(AuditEntryEntity).findColumnWithPropertyName('at')!;
    const bind = (iso: string) => manager.connection.driver.preparePersistentValue(new Date(iso), at);
    if (query.from) builder.andWhere('entry.at >= :from', { from: bind(query.from) });
    if (query.to) builder.andWhere('entry.at < :to', { to: bind(query.to) });
    return builder.orderBy('entry.seq', 'ASC').take(query.limit).skip(query.offset).getManyAndCount();
  }
}
