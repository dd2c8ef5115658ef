import { Injectable, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Database, requestIdOf, unitOfWorkData } from '../database/database';
import { appendToChain, type AuditEntryFields } from './audit-chain';
import type { AuditEntityType } from './audit-entry.entity';
import { AuditSealer } from './audit-sealer';

/** Where a unit of work keeps the entries it has appended, until they are linked to the chain. */
const PENDING = Symbol('audit entries pending');

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
  const pending = unitOfWorkData(manager)?.[PENDING] as AuditEntryFields[] | undefined;
  if (!pending) throw new Error('Audit entries are written only inside Database.write');
  pending.push({
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

/**
 * Takes part in every write: gathers the entries it appends and writes them as the last step
 * before COMMIT (appendToChain), and after COMMIT has the sealer link them (PostgreSQL). Entries
 * are numbered only when linked, so dropping a rolled-back part's entries leaves no gap.
 */
@Injectable()
export class AuditChainWriter implements OnModuleInit {
  constructor(
    private readonly db: Database,
    private readonly sealer: AuditSealer,
  ) {}

  onModuleInit(): void {
    this.db.register(
      {
        begin: async (manager) => void (unitOfWorkData(manager)![PENDING] = []),
        // A part rolled back to its savepoint leaves no entry behind: its transitions never happened.
        beginPart: (manager) => {
          const pending = unitOfWorkData(manager)![PENDING] as AuditEntryFields[];
          const kept = pending.length;
          return () => void pending.splice(kept);
        },
        beforeCommit: (manager) => appendToChain(manager, unitOfWorkData(manager)![PENDING] as AuditEntryFields[]),
        afterCommit: (data) => {
          if ((data[PENDING] as AuditEntryFields[]).length > 0) this.sealer.nudge();
        },
      },
      { last: true },
    );
  }
}
