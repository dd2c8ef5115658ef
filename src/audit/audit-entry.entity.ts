import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { EntityType } from '../../workflows';

/** One transition (or security event), appended by the engine and never changed. */
@Entity('audit_entries')
export class AuditEntryEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  seq: number;

  @Column({ type: Date })
  at: Date;

  @Column({ type: 'varchar', length: 36 })
  actorId: string;

  @Column({ type: 'varchar', length: 32 })
  actorRole: string;

  @Column({ type: 'varchar', length: 16 })
  entityType: EntityType;

  @Column({ type: 'varchar', length: 36 })
  entityId: string;

  @Column({ type: 'varchar', length: 32 })
  event: string;

  @Column({ type: 'simple-json' })
  payload: Record<string, unknown>;

  /** State value before the event; null when the entry records a creation. */
  @Column({ type: 'simple-json', nullable: true })
  fromState: unknown;

  @Column({ type: 'simple-json' })
  toState: unknown;

  @Column({ type: 'varchar', length: 64 })
  requestId: string;
}
