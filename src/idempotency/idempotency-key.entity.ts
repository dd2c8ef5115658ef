import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A remembered answer to a POST that carried an Idempotency-Key, keyed per user. */
@Entity('idempotency_keys')
export class IdempotencyKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  userId: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  key: string;

  /** SHA-256 of method, path and body: the same key with another request is refused. */
  @Column({ type: 'varchar', length: 64 })
  requestHash: string;

  @Column({ type: 'integer' })
  status: number;

  @Column({ type: 'text' })
  body: string;

  @CreateDateColumn({ type: Date })
  createdAt: Date;
}
