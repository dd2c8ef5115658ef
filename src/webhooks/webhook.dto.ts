import { IsMailbox } from '../common/validation';
import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  IsUrl,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { INBOX_NOTICE_TYPES, ROUND_TYPES, USER_ROLES, type InboxNoticeType, type Role, type RoundType } from '../../workflows';
import { PageQuery } from '../common/pagination';
import { DELIVERY_STATUSES, DeliveryStatus, ENDPOINT_KINDS, EndpointKind, WebhookAttemptEntity, WebhookDeliveryEntity, WebhookEndpointEntity } from './webhook.entities';

/** Kinds signed with a secret the administrator gives: the webhook's HMAC of each body, DingTalk's 加签 of each URL. */
const SIGNED_KINDS: readonly EndpointKind[] = ['webhook', 'dingtalk'];

export class CreateWebhookDto {
  /** `webhook` (a signed JSON POST, the default), `wecom` or `dingtalk` (a group robot's markdown), `email` (an office mailbox). */
  @IsOptional()
  @IsIn(ENDPOINT_KINDS)
  kind?: EndpointKind;

  /** The receiver's URL, or the robot's: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`, `https://oapi.dingtalk.com/robot/send?access_token=…`. Not for `email`. */
  @ValidateIf((dto: CreateWebhookDto) => dto.kind !== 'email' || dto.url !== undefined)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }, { message: 'url must be an http or https URL' })
  @MaxLength(2000)
  url?: string;

  /** The mailbox an `email` endpoint writes to. */
  @ValidateIf((dto: CreateWebhookDto) => dto.kind === 'email' || dto.address !== undefined)
  @IsMailbox('address')
  @MaxLength(320)
  address?: string;

  /**
   * `webhook`: signs every body: X-Signature-256: sha256=HMAC-SHA256(secret, body), and
   * X-Webhook-Signature: t=…,v1=HMAC-SHA256(secret, t.body); see docs/webhooks.md. `dingtalk`: the
   * robot's `SEC…` secret (加签). Not for `wecom` and `email`, which have none.
   */
  @ValidateIf((dto: CreateWebhookDto) => SIGNED_KINDS.includes(dto.kind ?? 'webhook') || dto.secret !== undefined)
  @IsString()
  @MinLength(16, { message: 'secret must be at least 16 characters' })
  @MaxLength(200)
  secret?: string;

  /** Messages a minute at most: a robot takes about 20 (the default for `wecom` and `dingtalk`); what is due beyond it goes in digests. Not for `webhook`. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(600)
  ratePerMinute?: number;

  /** Only notices about these round types (announcements, about none, still come); all when left out. */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(ROUND_TYPES, { each: true })
  roundTypes?: RoundType[];

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
  @ApiProperty({ enum: ENDPOINT_KINDS })
  kind: EndpointKind;
  /** `mailto:address` for an e-mail endpoint; a robot's key or access token is shown as `***`, as a secret is never shown. */
  url: string;
  departmentId: string | null;
  @ApiProperty({ enum: USER_ROLES, nullable: true })
  role: Role | null;
  @ApiProperty({ enum: INBOX_NOTICE_TYPES, isArray: true, nullable: true })
  events: InboxNoticeType[] | null;
  @ApiProperty({ enum: ROUND_TYPES, isArray: true, nullable: true })
  roundTypes: RoundType[] | null;
  /** Messages a minute at most; null: no limit. */
  ratePerMinute: number | null;
  active: boolean;
  createdBy: string;
  createdAt: Date;
  /** Who in the discipline office marked it to take integrity notices; null: it takes none. */
  integrityMarkedBy: string | null;
  integrityMarkedAt: Date | null;

  static from(entity: WebhookEndpointEntity): WebhookDto {
    const { secret: _secret, recentSends: _recentSends, ...shown } = entity;
    return { ...shown, url: shownUrl(entity) };
  }
}

/** The parameters of a robot's URL that are its credential: whoever has them can post to the group. */
const ROBOT_CREDENTIALS = ['key', 'access_token'];

/** The endpoint's URL as shown and audited: a robot's credential masked. */
export function shownUrl(endpoint: Pick<WebhookEndpointEntity, 'kind' | 'url'>): string {
  if (endpoint.kind !== 'wecom' && endpoint.kind !== 'dingtalk') return endpoint.url;
  const url = new URL(endpoint.url);
  for (const name of ROBOT_CREDENTIALS) if (url.searchParams.has(name)) url.searchParams.set(name, '***');
  return url.toString();
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
  /** The person a personal e-mail is owed to, and their name; null for an endpoint's delivery. */
  recipientId: string | null;
  recipientName: string | null;
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

  static from(entity: WebhookDeliveryEntity, attempts: WebhookAttemptEntity[], withheld: boolean, recipientName: string | null = null): WebhookDeliveryDto {
    return {
      id: entity.id,
      noticeId: entity.noticeId,
      type: entity.type,
      findingId: entity.findingId,
      roundId: entity.roundId,
      announcementId: entity.announcementId,
      recipientId: entity.recipientId,
      recipientName,
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
