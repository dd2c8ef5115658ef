import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Scope, visibleRowExists } from '../access/visibility';
import { INTEGRITY_CONTENT, INTEGRITY_IMPORT } from '../access/withheld';
import type { EntityType } from '../../workflows';
import { AUDIT_ENTITY_TYPES, AuditEntityType, AuditEntryEntity, inChainOrder } from './audit-entry.entity';
import { ListAuditQuery } from './audit.dto';

/** Entity types whose entries a caller reads only where the subject's scope lets it see the subject. */
const SCOPED: readonly AuditEntityType[] = ['round', 'finding', 'interview'];

@Injectable()
export class AuditRepository {
  /** One subject's entries; `withoutIntegrity` leaves out those about integrity work (see INTEGRITY_CONTENT). */
  trail(manager: EntityManager, entityType: EntityType, entityId: string, limit: number, offset: number, withoutIntegrity = false) {
    const builder = manager.createQueryBuilder(AuditEntryEntity, 'entry').where('entry.entityType = :entityType AND entry.entityId = :entityId', { entityType, entityId });
    if (withoutIntegrity) builder.andWhere('entry.payload NOT LIKE :integrityContent', { integrityContent: INTEGRITY_CONTENT });
    return inChainOrder(builder).take(limit).skip(offset).getManyAndCount();
  }

  /**
   * Entries about the rounds, findings and admonition interviews the scopes let the caller see (an
   * administrator reads no integrity case through the log), and every other entry (security events,
   * checklists, webhooks); who took what (`data_access`) only when `visible.dataAccess`; a round's entries about integrity
   * work, and an import's entry that brought integrity findings, only when `visible.integrity`.
   */
  list(
    manager: EntityManager,
    query: ListAuditQuery,
    visible: { rounds: Scope; findings: Scope; interviews: Scope; dataAccess: boolean; integrity: boolean },
  ): Promise<[AuditEntryEntity[], number]> {
    const builder = manager.createQueryBuilder(AuditEntryEntity, 'entry').where(
      `((entry.entityType = 'round' AND ${visibleRowExists(visible.rounds, 'rounds', 'entry.entityId')})
        OR (entry.entityType = 'finding' AND ${visibleRowExists(visible.findings, 'findings', 'entry.entityId')})
        OR (entry.entityType = 'interview' AND ${visibleRowExists(visible.interviews, 'interviews', 'entry.entityId')})
        OR entry.entityType IN (:...unscoped))`,
      {
        ...visible.rounds.parameters,
        ...visible.findings.parameters,
        ...visible.interviews.parameters,
        unscoped: AUDIT_ENTITY_TYPES.filter((type) => !SCOPED.includes(type) && (visible.dataAccess || type !== 'data_access')),
      },
    );
    if (!visible.integrity) {
      builder.andWhere("(entry.entityType <> 'round' OR entry.payload NOT LIKE :integrityContent)", { integrityContent: INTEGRITY_CONTENT });
      builder.andWhere("(entry.entityType <> 'finding_import' OR entry.payload NOT LIKE :integrityImport)", { integrityImport: INTEGRITY_IMPORT });
    }
    if (query.entityType) builder.andWhere('entry.entityType = :entityType', { entityType: query.entityType });
    if (query.entityId) builder.andWhere('entry.entityId = :entityId', { entityId: query.entityId });
    if (query.event) builder.andWhere('entry.event = :event', { event: query.event });
    if (query.actorId) builder.andWhere('entry.actorId = :actorId', { actorId: query.actorId });
    // Instants are bound as the driver stores them (UTC text on SQLite, timestamptz on PostgreSQL).
    const at = manager.connection.getMetadata(AuditEntryEntity).findColumnWithPropertyName('at')!;
    const bind = (iso: string) => manager.connection.driver.preparePersistentValue(new Date(iso), at);
    if (query.from) builder.andWhere('entry.at >= :from', { from: bind(query.from) });
    if (query.to) builder.andWhere('entry.at < :to', { to: bind(query.to) });
    return inChainOrder(builder).take(query.limit).skip(query.offset).getManyAndCount();
  }
}
