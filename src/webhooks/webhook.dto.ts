import { ApiProperty } from '@nestjs/swagger';
import { ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUUID, IsUrl, MaxLength, MinLength } from 'class-validator';
import { INBOX_NOTICE_TYPES, USER_ROLES, type InboxNoticeType, type Role } from '../../workflows';
import { PageQuery } from '../common/pagination';
import { DELIVERY_STATUSES, DeliveryStatus, WebhookAttemptEntity, WebhookDeliveryEntity, WebhookEndpointEntity } from './webhook.entities';

export class CreateWebhookDto {
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'url must be an http or https URL' })
  @MaxLength(2000)
  url: string;

  /** Signs every body: X-Signature-256: sha256=HMAC-SHA256(secret, body), and X-Webhook-Signature: t=…,v1=HMAC-SHA256(secret, t.body); see docs/webhooks.md. */
  @IsString()
  @MinLength(16, { message: 'secret must be at least 16 characters' })
  @MaxLength(200)
  secret: string;

  /** Only notices for this department's people (its findings' staff, or its lead-office verifiers). */
  @IsOptional()
  @IsUUID()
  departmentId?: string;

  /** Only notices for people with this role. */
  @IsOptional()
  @IsIn(USER_ROLES)
  role?: Role;

  /** Only these notice types; all when left out. */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(INBOX_NOTICE_TYPES, { each: true })
  events?: InboxNoticeType[];
}

export class WebhookDto {
  id: string;
  url: string;
  departmentId: string | null;
  @ApiProperty({ enum: USER_ROLES, nullable: true })
  role: Role | null;
  @ApiProperty({ enum: INBOX_NOTICE_TYPES, isArray: true, nullable: true })
  events: InboxNoticeType[] | null;
  active: boolean;
  createdBy: string;
  createdAt: Date;
  /** Who in the discipline office marked it to take integrity notices; null: it takes none. */
  integrityMarkedBy: string | null;
  integrityMarkedAt: Date | null;

  static from(entity: WebhookEndpointEntity): WebhookDto {
    const { secret: _secret, ...shown } = entity;
    return shown;
  }
}

/** The discipline office's word on whether an endpoint may take integrity notices (those its role and department address). */
export class MarkIntegrityDto {
  @IsBoolean()
  marked: boolean;
}

export class ListDeliveriesQuery extends PageQuery {
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;
}

export class WebhookAttemptDto {
  attempt: number;
  at: Date;
  /** Null when no answer came (refused address, connection error, timeout). */
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export class WebhookDeliveryDto {
  id: string;
  noticeId: string;
  @ApiProperty({ enum: INBOX_NOTICE_TYPES })
  type: InboxNoticeType;
  /** The finding a finding notice is about; null for a round notice or an announcement. */
  findingId: string | null;
  /** The round a round notice is about; null otherwise. */
  roundId: string | null;
  /** The announcement delivered; null otherwise. */
  announcementId: string | null;
  @ApiProperty({ enum: DELIVERY_STATUSES })
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
  lastError: string | null;
  createdAt: Date;
  /** The body as sent (and signed); null where withheld. */
  body: unknown;
  /** The notice is about a finding or round the caller may not see (an integrity matter to an administrator): its body is left out. */
  withheld: boolean;
  attemptLog: WebhookAttemptDto[];

  static from(entity: WebhookDeliveryEntity, attempts: WebhookAttemptEntity[], withheld: boolean): WebhookDeliveryDto {
    return {
      id: entity.id,
      noticeId: entity.noticeId,
      type: entity.type,
      findingId: entity.findingId,
      roundId: entity.roundId,
      announcementId: entity.announcementId,
      status: entity.status,
      attempts: entity.attempts,
      nextAttemptAt: entity.nextAttemptAt,
      deliveredAt: entity.deliveredAt,
      lastError: entity.lastError,
      createdAt: entity.createdAt,
      body: withheld ? null : JSON.parse(entity.body),
      withheld,
      attemptLog: attempts
        // A dead letter sent again counts its tries afresh: time orders the log.
        .sort((a, b) => a.at.getTime() - b.at.getTime() || a.attempt - b.attempt)
        .map(({ attempt, at, statusCode, error, durationMs }) => ({ attempt, at, statusCode, error, durationMs })),
    };
  }
}
