import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { AUDIT_ENTITY_TYPES, AuditEntityType, AuditEntryEntity } from './audit-entry.entity';

export class AuditEntryDto {
  seq: number;
  at: Date;
  /** Null for a failed login, where nobody is signed in. */
  actorId: string | null;
  actorRole: string;
  entityType: AuditEntityType;
  /** Null for a security event about an unknown username. */
  entityId: string | null;
  event: string;
  payload: Record<string, unknown>;
  /** The state value before; null for a creation and for security events. */
  from: unknown;
  to: unknown;
  requestId: string;

  static from(entity: AuditEntryEntity): AuditEntryDto {
    const { seq, at, actorId, actorRole, entityType, entityId, event, payload, fromState, toState, requestId } = entity;
    return { seq, at, actorId, actorRole, entityType, entityId, event, payload, from: fromState, to: toState, requestId };
  }
}

export class AuditTrailQuery extends PageQuery {}

export class ListAuditQuery extends PageQuery {
  @IsOptional()
  @IsIn(AUDIT_ENTITY_TYPES)
  entityType?: AuditEntityType;

  @IsOptional()
  @IsUUID()
  entityId?: string;

  /** A user id, or `system`. */
  @IsOptional()
  @IsString()
  @MaxLength(36)
  actorId?: string;

  /** An event type, e.g. `VERIFY_REJECT` or `LOGIN_FAILED`. */
  @IsOptional()
  @Matches(/^[A-Z_]{1,32}$/, { message: 'event must be an event type in capitals, e.g. LOGIN_FAILED' })
  event?: string;

  /** Entries at or after this instant (ISO 8601). */
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  /** Entries before this instant (ISO 8601). */
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
