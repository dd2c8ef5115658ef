import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { queueAuditEntry, requestIdOf } from '../database/database';
import type { AuditEntityType } from './audit-entry.entity';

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

/** Appends one entry to the unit of work `manager` belongs to: the one place transitions and security events become audit entries. */
export function appendAudit(manager: EntityManager, facts: AuditFacts): void {
  queueAuditEntry(manager, {
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
  });
}
