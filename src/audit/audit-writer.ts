import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { requestIdOf } from '../database/database.service';
import { RowMapper } from '../database/row-mapper';
import { AuditEntityType, AuditEntryEntity } from './audit-entry.entity';

/** What one audit entry records; the request id comes from the unit of work it is written in. */
export interface AuditFacts {
  at: Date;
  actorId: string | null;
  actorRole: string;
  entityType: AuditEntityType;
  entityId: string | null;
  event: string;
  payload: Record<string, unknown>;
  from?: unknown;
  to?: unknown;
}

/** The row for one audit entry: the one place transitions and security events become audit rows. */
export function auditRow(manager: EntityManager, facts: AuditFacts): Partial<AuditEntryEntity> {
  return {
    at: facts.at,
    actorId: facts.actorId,
    actorRole: facts.actorRole,
    entityType: facts.entityType,
    entityId: facts.entityId,
    event: facts.event,
    payload: facts.payload,
    fromState: facts.from ?? null,
    toState: facts.to ?? null,
    requestId: requestIdOf(manager) ?? `internal-${randomUUID()}`,
  };
}

/** Appends one entry in the unit of work `manager` belongs to. */
export function appendAudit(manager: EntityManager, facts: AuditFacts): Promise<void> {
  return RowMapper.of(manager, AuditEntryEntity).insert(manager, auditRow(manager, facts));
}
