import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A tablet registered for an inspector: its long-lived token acts as that user, for inspector actions only. */
@Entity('devices')
export class DeviceEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 36 })
  userId: string;

  /** SHA-256 of the token; the token itself is shown once, at registration. */
  @Column({ type: 'varchar', length: 64, unique: true })
  tokenHash: string;

  @Column({ type: 'varchar', length: 36 })
  createdBy: string;

  @CreateDateColumn({ type: Date })
  createdAt: Date;

  @Column({ type: Date, nullable: true })
  revokedAt: Date | null;
}
