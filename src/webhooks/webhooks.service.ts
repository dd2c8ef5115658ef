import { HttpStatus, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager, In, SelectQueryBuilder } from 'typeorm';
import { visibleFindings, visibleRounds, visibleRowExists } from '../access/visibility';
import { withheldDeliveryIds } from '../access/withheld';
import { appendAudit } from '../audit/audit-writer';
import { ApiException, InvalidInputException } from '../common/api-error';
import { Clock } from '../common/clock';
import { Page, page } from '../common/pagination';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { AuthUser, primaryRole } from '../identity/auth-user';
import { DepartmentEntity } from '../identity/department.entity';
import { UserEntity } from '../identity/user.entity';
import { releaseAt, wants } from '../notifications/notification-preferences';
import { readNotificationSettings } from '../notifications/notification-settings.service';
import { initialRate, kindProblems } from '../channels/endpoint-kinds';
import { CreateWebhookDto, ListDeliveriesQuery, MarkIntegrityDto, WebhookDeliveryDto, WebhookDto, shownUrl } from './webhook.dto';
import { WebhookAttemptEntity, WebhookDeliveryEntity, WebhookEndpointEntity } from './webhook.entities';
import { refusedUrl } from './webhook-network';

/** The administrator's side of webhooks: endpoints, and every delivery and attempt made to them. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async create(auth: AuthUser, dto: CreateWebhookDto): Promise<WebhookDto> {
    const kind = dto.kind ?? 'webhook';
    const problems = kindProblems({ ...dto, kind }, { allowPrivateNetworks: this.config.WEBHOOK_ALLOW_PRIVATE_NETWORKS, smtpConfigured: !!this.config.SMTP_URL });
    if (problems.length > 0) throw new InvalidInputException(problems);
    // Looked up before the transaction: a slow name server must not hold the SQLite writer.
    const refusal = dto.url === undefined ? null : await refusedUrl(new URL(dto.url), this.config.WEBHOOK_ALLOW_PRIVATE_NETWORKS);
    if (refusal) throw new InvalidInputException([{ field: 'url', reason: refusal }]);
    return this.db.write(auth.request, async (manager) => {
      if (dto.departmentId && !(await manager.existsBy(DepartmentEntity, { id: dto.departmentId }))) {
        throw new InvalidInputException([{ field: 'departmentId', reason: 'names no known department' }]);
      }
      const endpoint: WebhookEndpointEntity = {
        id: randomUUID(),
        kind,
        url: kind === 'email' ? `mailto:${dto.address}` : dto.url!,
        secret: dto.secret ?? '',
        departmentId: dto.departmentId ?? null,
        role: dto.role ?? null,
        events: dto.events ?? null,
        roundTypes: dto.roundTypes ?? null,
        ratePerMinute: initialRate(kind, dto.ratePerMinute),
        recentSends: [],
        active: true,
        createdBy: auth.id,
        createdAt: this.clock.now(),
        integrityMarkedBy: null,
        integrityMarkedAt: null,
      };
      await manager.insert(WebhookEndpointEntity, endpoint);
      const shown = WebhookDto.from(endpoint);
      this.audit(manager, auth, endpoint.id, 'WEBHOOK_CREATED', {
        kind,
        url: shown.url,
        departmentId: shown.departmentId,
        role: shown.role,
        events: shown.events,
        roundTypes: shown.roundTypes,
        ratePerMinute: shown.ratePerMinute,
      });
      return shown;
    });
  }

  async list(_auth: AuthUser): Promise<WebhookDto[]> {
    const endpoints = await this.db.read((manager) => manager.find(WebhookEndpointEntity, { order: { createdAt: 'ASC' } }));
    return endpoints.map(WebhookDto.from);
  }

  /** Marks or unmarks the endpoint for integrity notices: the discipline office's decision, audited. */
  markIntegrity(auth: AuthUser, id: string, dto: MarkIntegrityDto): Promise<WebhookDto> {
    return this.db.write(auth.request, async (manager) => {
      const endpoint = await this.findEndpoint(manager, id);
      if (!endpoint.active) throw new ApiException(HttpStatus.CONFLICT, 'A removed webhook takes no notices', { active: false });
      const marking = dto.marked ? { integrityMarkedBy: auth.id, integrityMarkedAt: this.clock.now() } : { integrityMarkedBy: null, integrityMarkedAt: null };
      if (dto.marked !== (endpoint.integrityMarkedBy !== null)) {
        await manager.update(WebhookEndpointEntity, { id }, marking);
        this.audit(manager, auth, id, dto.marked ? 'WEBHOOK_INTEGRITY_MARKED' : 'WEBHOOK_INTEGRITY_UNMARKED', { url: shownUrl(endpoint), role: endpoint.role, departmentId: endpoint.departmentId });
        return WebhookDto.from({ ...endpoint, ...marking });
      }
      return WebhookDto.from(endpoint);
    });
  }

  /** Stops deliveries to the endpoint; what was still queued for it is dead-lettered, and stays visible. */
  remove(auth: AuthUser, id: string): Promise<void> {
    return this.db.write(auth.request, async (manager) => {
      const endpoint = await this.findEndpoint(manager, id);
      if (!endpoint.active) return;
      await manager.update(WebhookEndpointEntity, { id }, { active: false });
      await manager.update(WebhookDeliveryEntity, { endpointId: id, status: 'pending' }, { status: 'dead', lastError: 'endpoint removed' });
      this.audit(manager, auth, id, 'WEBHOOK_REMOVED', { url: shownUrl(endpoint) });
    });
  }

  /** Sends a dead-lettered delivery again, with a fresh set of tries (the earlier ones stay in its log). */
  retry(auth: AuthUser, id: string, deliveryId: string): Promise<WebhookDeliveryDto> {
    return this.db.write(auth.request, async (manager) => {
      const endpoint = await this.findEndpoint(manager, id);
      const delivery = await manager.findOneBy(WebhookDeliveryEntity, { id: deliveryId, endpointId: id });
      if (!delivery) throw new NotFoundException(`No delivery ${deliveryId} to webhook ${id}`);
      const refusal = endpoint.active ? null : 'the webhook was removed';
      return this.sendAgain(manager, auth, delivery, refusal, this.clock.now(), { entityType: 'webhook', entityId: id, event: 'WEBHOOK_DELIVERY_RETRIED' });
    });
  }

  deliveries(auth: AuthUser, id: string, query: ListDeliveriesQuery): Promise<Page<WebhookDeliveryDto>> {
    return this.db.read(async (manager) => {
      await this.findEndpoint(manager, id);
      return this.deliveryPage(manager, auth, this.deliveriesOf(manager, id), query);
    });
  }

  /**
   * People's own e-mails, newest first, about what the caller may see: one about an integrity
   * matter is left out altogether, as its recipient, time and count would tell of the work.
   */
  personalEmails(auth: AuthUser, query: ListDeliveriesQuery): Promise<Page<WebhookDeliveryDto>> {
    return this.db.read((manager) => this.deliveryPage(manager, auth, this.visiblePersonalEmails(manager, auth), query));
  }

  /**
   * Sends a person's dead-lettered e-mail again, to their address as it is now, once their quiet
   * hours allow; audited on their account. Refused while they are deactivated, have no address or
   * no longer want the notice by e-mail.
   */
  retryPersonalEmail(auth: AuthUser, deliveryId: string): Promise<WebhookDeliveryDto> {
    return this.db.write(auth.request, async (manager) => {
      const delivery = await this.visiblePersonalEmails(manager, auth).andWhere('delivery.id = :deliveryId', { deliveryId }).getOne();
      if (!delivery) throw new NotFoundException(`No personal e-mail ${deliveryId}`);
      const person = await manager.findOne(UserEntity, { where: { id: delivery.recipientId! }, select: { id: true, active: true, email: true, displayName: true } });
      const settings = (await readNotificationSettings(manager, [delivery.recipientId!])).get(delivery.recipientId!)!;
      const refusal = !person?.active
        ? 'the person\'s account is deactivated'
        : person.email === null
          ? 'the person has no e-mail address'
          : !wants(settings, 'email', delivery.type)
            ? 'the person no longer wants this notice by e-mail'
            : null;
      const release = releaseAt(settings, this.clock.now(), this.config.TIME_ZONE);
      return this.sendAgain(manager, auth, delivery, refusal, release, { entityType: 'user', entityId: delivery.recipientId!, event: 'PERSONAL_EMAIL_RETRIED' }, person?.displayName);
    });
  }

  /** A dead letter back in the queue, due `at`, with its tries counted afresh; unless `refusal` says why it would only fail again. */
  private async sendAgain(
    manager: EntityManager,
    auth: AuthUser,
    delivery: WebhookDeliveryEntity,
    refusal: string | null,
    at: Date,
    audited: { entityType: 'webhook' | 'user'; entityId: string; event: string },
    recipientName: string | null = null,
  ): Promise<WebhookDeliveryDto> {
    if (delivery.status !== 'dead' || refusal !== null) {
      throw new ApiException(HttpStatus.CONFLICT, refusal ?? 'Only a dead-lettered delivery can be sent again', { status: delivery.status, ...(refusal !== null && { reason: refusal }) });
    }
    const changes = { status: 'pending' as const, attempts: 0, nextAttemptAt: at, leaseUntil: null, lastError: null };
    await manager.update(WebhookDeliveryEntity, { id: delivery.id }, changes);
    appendAudit(manager, { at: this.clock.now(), actorId: auth.id, actorRole: primaryRole(auth), ...audited, payload: { deliveryId: delivery.id, noticeId: delivery.noticeId } });
    const attempts = await manager.findBy(WebhookAttemptEntity, { deliveryId: delivery.id });
    const withheld = await withheldDeliveryIds(manager, auth, [delivery]);
    return WebhookDeliveryDto.from({ ...delivery, ...changes }, attempts, withheld.has(delivery.id), recipientName);
  }

  private deliveriesOf(manager: EntityManager, endpointId: string): SelectQueryBuilder<WebhookDeliveryEntity> {
    return manager.createQueryBuilder(WebhookDeliveryEntity, 'delivery').where('delivery.endpointId = :endpointId', { endpointId });
  }

  /** Personal e-mails about no finding or round, or about one the caller may see (the one rule in src/access/). */
  private visiblePersonalEmails(manager: EntityManager, auth: AuthUser): SelectQueryBuilder<WebhookDeliveryEntity> {
    const [findings, rounds] = [visibleFindings(auth), visibleRounds(auth)];
    return manager
      .createQueryBuilder(WebhookDeliveryEntity, 'delivery')
      .where('delivery.endpointId IS NULL')
      .andWhere(`("delivery"."findingId" IS NULL OR ${visibleRowExists(findings, 'findings', '"delivery"."findingId"')})`, findings.parameters)
      .andWhere(`("delivery"."roundId" IS NULL OR ${visibleRowExists(rounds, 'rounds', '"delivery"."roundId"')})`, rounds.parameters);
  }

  private async deliveryPage(manager: EntityManager, auth: AuthUser, query: SelectQueryBuilder<WebhookDeliveryEntity>, paging: ListDeliveriesQuery): Promise<Page<WebhookDeliveryDto>> {
    if (paging.status) query.andWhere('delivery.status = :status', { status: paging.status });
    const [deliveries, total] = await query.orderBy('delivery.createdAt', 'DESC').addOrderBy('delivery.id', 'ASC').take(paging.limit).skip(paging.offset).getManyAndCount();
    const ids = deliveries.map((d) => d.id);
    const recipientIds = [...new Set(deliveries.flatMap((d) => (d.recipientId === null ? [] : [d.recipientId])))];
    const [attempts, withheld, recipients] = [
      ids.length === 0 ? [] : await manager.findBy(WebhookAttemptEntity, { deliveryId: In(ids) }),
      await withheldDeliveryIds(manager, auth, deliveries),
      recipientIds.length === 0 ? [] : await manager.find(UserEntity, { where: { id: In(recipientIds) }, select: { id: true, displayName: true } }),
    ];
    const names = new Map(recipients.map((person) => [person.id, person.displayName]));
    return page(
      deliveries.map((delivery) =>
        WebhookDeliveryDto.from(delivery, attempts.filter((a) => a.deliveryId === delivery.id), withheld.has(delivery.id), names.get(delivery.recipientId ?? '') ?? null),
      ),
      total,
      paging,
    );
  }

  private async findEndpoint(manager: EntityManager, id: string): Promise<WebhookEndpointEntity> {
    const endpoint = await manager.findOneBy(WebhookEndpointEntity, { id });
    if (!endpoint) throw new NotFoundException(`No webhook ${id}`);
    return endpoint;
  }

  private audit(manager: EntityManager, auth: AuthUser, id: string, event: string, payload: Record<string, unknown>): void {
    appendAudit(manager, { at: this.clock.now(), actorId: auth.id, actorRole: primaryRole(auth), entityType: 'webhook', entityId: id, event, payload });
  }
}
