import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * One sign-in: its refresh token is `<id>.<secret>`, of which only the secret's SHA-256 is kept.
 * Every refresh replaces the secret; access tokens name the session, so revoking it ends them too.
 */
@Entity('sessions')
export class SessionEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  userId: string;

  @Column({ type: 'varchar', length: 64 })
  secretHash: string;

  /**
   * The secret before the last refresh, still taken for a short while: a tablet whose refresh answer
   * was lost on the way may retry it. Any older secret presented means the token was stolen.
   */
  @Column({ type: 'varchar', length: 64, nullable: true })
  previousSecretHash: string | null;

  @CreateDateColumn({ type: Date })
  createdAt: Date;

  @Column({ type: Date })
  refreshedAt: Date;

  /** Pushed forward by every refresh: a session unused for REFRESH_TOKEN_TTL_HOURS ends. */
  @Column({ type: Date })
  expiresAt: Date;

  @Column({ type: Date, nullable: true })
  revokedAt: Date | null;
}
