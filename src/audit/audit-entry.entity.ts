import { Column, Entity, PrimaryColumn, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';

/** What an entry is about: a workflow subject, an admonition interview, a problem list imported, a recurring plan, or an account, a device, a department, a Party branch or a copy of data taken (security events). */
export const AUDIT_ENTITY_TYPES = ['round', 'finding', 'user', 'device', 'checklist', 'webhook', 'closure_audit', 'data_access', 'department', 'interview', 'finding_import', 'round_plan', 'party_branch', 'published_month', 'announcement'] as const;
export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];

/**
 * One transition or security event, appended (see audit-writer) and never changed but for being
 * linked to the chain once (on PostgreSQL by the sealer, after its transaction commits; see
 * audit-sealer). The table also keeps, on PostgreSQL, the id of the transaction that wrote the
 * entry (`xid`), which only the sealer reads.
 */
@Entity('audit_entries')
export class AuditEntryEntity {
  /** Given by the database in the order entries were inserted: orders the entries not linked yet. */
  @PrimaryColumn({ type: 'bigint', insert: false, transformer: { from: Number, to: (id: number) => id } })
  id: number;

  /** 1, 2, 3, … with no gaps: given by the chain (audit-chain), not by a database sequence; null until linked. */
  @Column({ type: 'integer', nullable: true, unique: true })
  seq: number | null;

  @Column({ type: Date })
  at: Date;

  /** Null when nobody is signed in (a failed login) or the service acts on its own. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  actorId: string | null;

  @Column({ type: 'varchar', length: 32 })
  actorRole: string;

  @Column({ type: 'varchar', length: 16 })
  entityType: AuditEntityType;

  /** Null when a security event names no known entity (a login with an unknown username). */
  @Column({ type: 'varchar', length: 36, nullable: true })
  entityId: string | null;

  @Column({ type: 'varchar', length: 32 })
  event: string;

  @Column({ type: 'simple-json' })
  payload: Record<string, unknown>;

  /** State value before the event; null when the entry records a creation. */
  @Column({ type: 'simple-json', nullable: true })
  fromState: unknown;

  /** State value after the event; null for security events, which change no workflow state. */
  @Column({ type: 'simple-json', nullable: true })
  toState: unknown;

  @Column({ type: 'varchar', length: 64 })
  requestId: string;

  /** SHA-256 of the previous entry's hash and this entry's canonical serialisation (audit-chain); null until linked. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  hash: string | null;
}

/** Entries in the chain's order: the linked ones by number, then those not linked yet in the order they were written. */
export function inChainOrder<T extends ObjectLiteral>(builder: SelectQueryBuilder<T>, alias = 'entry'): SelectQueryBuilder<T> {
  return builder.orderBy(`${alias}.seq`, 'ASC', 'NULLS LAST').addOrderBy(`${alias}.id`, 'ASC');
}
