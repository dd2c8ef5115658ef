import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { AuditEntryEntity } from './audit-entry.entity';

export class AuditEntryDto {
  seq: number;
  at: Date;
  actorId: string;
  actorRole: string;
  entityType: string;
  entityId: string;
  event: string;
  payload: Record<string, unknown>;
  /** The state value before; null for a creation. */
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
  @IsIn(['round', 'finding'])
  entityType?: 'round' | 'finding';

  @IsOptional()
  @IsUUID()
  entityId?: string;

  /** A user id, or `system`. */
  @IsOptional()
  @IsString()
  @MaxLength(36)
  actorId?: string;

  /** Entries at or after this instant (ISO 8601). */
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  /** Entries before this instant (ISO 8601). */
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
