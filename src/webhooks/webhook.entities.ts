import { Column, Entity, PrimaryColumn } from 'typeorm';
import { NoticeSubject } from '../common/notice-subject';
import type { InboxNoticeType, Role, RoundType } from '../../workflows';

/** How an endpoint is told: a signed JSON POST, a WeCom or DingTalk group robot's markdown, or an e-mail. */
export const ENDPOINT_KINDS = ['webhook', 'wecom', 'dingtalk', 'email'] as const;
export type EndpointKind = (typeof ENDPOINT_KINDS)[number];

/** A receiver of notices (a hospital messaging robot, say), for one department's or role's notices or for all. */
@Entity('webhook_endpoints')
export class WebhookEndpointEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 16 })
  kind: EndpointKind;

  /** Where to send: the receiver's or robot's URL, or `mailto:address` for an e-mail endpoint. */
  @Column({ type: 'varchar', length: 2000 })
  url: string;

  /**
   * Signs each body (HMAC-SHA256; a DingTalk robot's `SEC…` secret signs the URL); kept as given
   * because signing needs it, never shown again. Empty for WeCom and e-mail, which have none.
   */
  @Column({ type: 'varchar', length: 200 })
  secret: string;

  @Column({ type: 'varchar', length: 36, nullable: true })
  departmentId: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  role: Role | null;

  /** Null: every notice type. */
  @Column({ type: 'simple-json', nullable: true })
  events: InboxNoticeType[] | null;

  /** Null: every round type (and announcements, which have none). */
  @Column({ type: 'simple-json', nullable: true })
  roundTypes: RoundType[] | null;

  /** Messages a minute at most (a robot's limit); what is due beyond it goes in digests. Null: no limit. */
  @Column({ type: 'integer', nullable: true })
  ratePerMinute: number | null;

  /**
   * When its messages of the last minute went (ISO instants, oldest first), for the rate over any
   * sixty seconds; claimed under the row's lock by whichever instance sends.
   */
  @Column({ type: 'simple-json' })
  recentSends: string[];

  @Column({ type: 'boolean' })
  active: boolean;

  @Column({ type: 'varchar', length: 36 })
  createdBy: string;

  @Column({ type: Date })
  createdAt: Date;

  /** The discipline-office user who marked the endpoint to take integrity notices; none until then. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  integrityMarkedBy: string | null;

  @Column({ type: Date, nullable: true })
  integrityMarkedAt: Date | null;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * One notice owed to one endpoint, or to one person by e-mail: written with the transition (or the round notice, or the
 * announcement's delivery), tried until delivered or dead-lettered. About one finding, round or
 * announcement.
 */
@Entity('webhook_deliveries')
export class WebhookDeliveryEntity extends NoticeSubject {
  /** Sent as X-Delivery-Id; the body's `id` is the notice's. */
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** The endpoint owed it; null for a person's own e-mail. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  endpointId: string | null;

  /** The person owed their own e-mail, sent to their address as it is at each try; null for an endpoint's. */
  @Column({ type: 'varchar', length: 36, nullable: true })
  recipientId: string | null;

  /** Exactly the bytes sent and signed, every try. */
  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'varchar', length: 16 })
  status: DeliveryStatus;

  @Column({ type: 'integer' })
  attempts: number;

  @Column({ type: Date })
  nextAttemptAt: Date;

  /** While set and in the future, one instance is trying it; a crash lets the lease run out and another try again. */
  @Column({ type: Date, nullable: true })
  leaseUntil: Date | null;

  @Column({ type: Date, nullable: true })
  deliveredAt: Date | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  lastError: string | null;

  @Column({ type: Date })
  createdAt: Date;
}

/** One try of a delivery, as the receiver answered it (or did not). */
@Entity('webhook_attempts')
export class WebhookAttemptEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36 })
  deliveryId: string;

  @Column({ type: 'integer' })
  attempt: number;

  @Column({ type: Date })
  at: Date;

  @Column({ type: 'integer', nullable: true })
  statusCode: number | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error: string | null;

  @Column({ type: 'integer' })
  durationMs: number;
}
