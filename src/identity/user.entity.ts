import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '../../workflows';

@Entity('users')
export class UserEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  username: string;

  @Column({ type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ type: 'varchar', length: 200 })
  displayName: string;

  @Column({ type: 'simple-json' })
  roles: Role[];

  @Column({ type: 'varchar', length: 36, nullable: true })
  departmentId: string | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** Set by an administrator's password reset: until the user picks a new one, it may do nothing else. */
  @Column({ type: 'boolean', default: false })
  mustChangePassword: boolean;

  /** Bumped to invalidate every token issued before. */
  @Column({ type: 'integer', default: 0 })
  tokenVersion: number;

  /**
   * Contacts, each optional, for the notices sent outside the inbox: read only by the person and
   * administrators (seesContactsOf), and in no list, report or export.
   */
  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  /** A mainland China mobile number, 11 digits (a `+86` given is dropped). */
  @Column({ type: 'varchar', length: 11, nullable: true })
  mobile: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  wecomUserId: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  dingtalkUserId: string | null;

  @CreateDateColumn({ type: Date })
  createdAt: Date;
}
