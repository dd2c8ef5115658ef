import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What an entry is about: a workflow subject, an admonition interview, a problem list imported, a recurring plan, or an account, a device, a department, a Party branch or a copy of data taken (security events). */
export const AUDIT_ENTITY_TYPES = ['round', 'finding', 'user', 'device', 'checklist', 'webhook', 'closure_audit', 'data_access', 'department', 'interview', 'finding_import', 'round_plan', 'party_branch', 'published_month', 'announcement'] as const;
export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];

/** One transition or security event, appended (see audit-writer) and never changed. */
@Entity('audit_entries')
export class AuditEntryEntity {
  /** 1, 2, 3, … with no gaps: given by the chain (audit-chain), not by a database sequence. */
  @PrimaryColumn({ type: 'integer' })
  seq: number;

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

  /** SHA-256 of the previous entry's hash and this entry's canonical serialisation (audit-chain). */
  @Column({ type: 'varchar', length: 64 })
  hash: string;
}
