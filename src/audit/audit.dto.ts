import { IntersectionType, OmitType, PartialType } from '@nestjs/swagger';
import { JobDto } from '../jobs/job.dto';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { IsCalendarDate } from '../common/calendar-date';
import { PageQuery } from '../common/pagination';
import { AUDIT_ENTITY_TYPES, AuditEntityType, AuditEntryEntity } from './audit-entry.entity';

export class AuditEntryDto {
  /** The entry's number in the chain; null for the moment between its commit and its linking (PostgreSQL). */
  seq: number | null;
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
  /** The payload is confidential to the caller and left out (empty): it carries another department's or an integrity matter. */
  withheld: boolean;

  /** From an entry as `readableEntries` (src/access) lets the caller read it. */
  static from(entity: AuditEntryEntity & { withheld: boolean }): AuditEntryDto {
    const { seq, at, actorId, actorRole, entityType, entityId, event, payload, fromState, toState, requestId, withheld } = entity;
    return { seq, at, actorId, actorRole, entityType, entityId, event, payload, from: fromState, to: toState, requestId, withheld };
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

export class ChainHeadQuery {
  /** The head at the end of this day in the hospital's time zone; the current head if left out. */
  @IsOptional()
  @IsCalendarDate()
  date?: string;
}

/** The chain's head at a moment: what the discipline office prints and signs each day. */
export class ChainHeadDto {
  /** The day asked for, or null for the current head. */
  date: string | null;
  timeZone: string;
  /** 0 and the genesis hash before the first entry. */
  seq: number;
  at: Date | null;
  hash: string;
  /** The hash's first 80 bits in groups of four, short enough to copy by hand and compare. */
  digest: string;
}

export class ChainVerificationDto {
  ok: boolean;
  /** Entries read and recomputed. */
  checked: number;
  /** The last linked entry's sequence number and hash, as stored when verification began. */
  headSeq: number;
  head: string;
  /**
   * Entries written but not linked to the chain yet when verification began, so not checked: on
   * PostgreSQL the sealer links each shortly after its transaction commits. Not a break.
   */
  unlinked: number;
  /** Distinct evidence files recomputed. */
  attachmentsChecked: number;
  /** The lowest sequence number at which something does not verify, and what. */
  firstBroken?: { seq: number; reason: string };
}

/** A verification job's progress, and once done its outcome (the fields of GET /audit/verify). */
export class ChainVerificationJobDto extends IntersectionType(JobDto, PartialType(OmitType(ChainVerificationDto, ['checked'] as const))) {
  /** Entries recomputed so far (the outcome's count once done). */
  checked: number;
  /** Entries to recompute: the chain's length when the job began; null until read. */
  total: number | null;
}
