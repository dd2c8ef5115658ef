import { Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { EntityManager, In } from 'typeorm';
import { ChannelSender, SendResult } from '../channels/channel-sender';
import { Mentions, NO_MENTIONS, mentionsOf } from '../channels/mentions';
import { dingtalkFits } from '../channels/dingtalk';
import { digestGroup, digestMessage, type MessageContext, type NoticeBody } from '../channels/notice-message';
import { wecomFits } from '../channels/wecom';
import { Clock } from '../common/clock';
import { PeriodicTask } from '../common/periodic-task';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { DepartmentEntity } from '../identity/department.entity';
import { UserEntity } from '../identity/user.entity';
import { Metrics } from '../metrics/metrics';
import { releaseAt } from '../notifications/notification-preferences';
import { readNotificationSettings } from '../notifications/notification-settings.service';
import { WebhookAttemptEntity, WebhookDeliveryEntity, WebhookEndpointEntity } from './webhook.entities';

/** Deliveries tried at once by one instance. */
const BATCH = 20;

/** Deliveries one digest may carry; more wait for the next. */
const DIGEST_LIMIT = 500;

const MINUTE_MS = 60_000;

/**
 * One message to send: one delivery, or a digest of several owed to one rate-limited endpoint; or
 * one person's own e-mail, to their address as it is now (null: they no longer have one).
 */
export type Claimed =
  | { endpoint: WebhookEndpointEntity; deliveries: WebhookDeliveryEntity[] }
  | { endpoint: null; address: string | null; deliveries: [WebhookDeliveryEntity] };

interface Outcome extends SendResult {
  claimed: Claimed;
  at: Date;
  durationMs: number;
}

/**
 * Sends queued deliveries. A delivery is leased before it is sent and the outcome written after,
 * in transactions of their own, so no lock is held across the network. A crash in between lets the
 * lease run out and the delivery is sent again: a delivery may repeat, never vanish.
 *
 * An endpoint with a rate (a robot: about 20 messages a minute) sends at most that many messages
 * in any sixty seconds, logged on its row, which the claim locks: instances sharing the database
 * share the count. When more is due than the minute has left, the deliveries go in digests, one per
 * notice type and department while the budget allows; none is dropped. A robot's digest carries the
 * groups that fit its kind's bytes; the rest are released, untried, for the next message.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;
  private stopping = false;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly metrics: Metrics,
    private readonly sender: ChannelSender,
  ) {
    this.task = new PeriodicTask(WebhookDispatcher.name, config.SCHEDULER_INTERVAL_MS, () => this.deliverDue(), db);
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  /** Before the database closes: a run under way records the batch it leased, and leases no more. */
  onModuleDestroy(): Promise<void> {
    this.stopping = true;
    return this.task.stop();
  }

  /** Tries every delivery due now; answers how many were tried. */
  async deliverDue(): Promise<number> {
    let tried = 0;
    for (;;) {
      const { claimed, due } = await this.db.write(null, (manager) => this.claim(manager));
      // Nothing claimed from what was due (a robot's minute spent, or its row busy elsewhere): the next run goes on.
      if (claimed.length === 0) return tried;
      const { context, mentions: all } = await this.db.read(async (manager) => ({ context: await this.messageContext(manager, claimed), mentions: await this.mentions(manager, claimed) }));
      // A robot's digest keeps the groups that fit (measured with everyone its deliveries could mention); the rest wait, untried.
      const held: WebhookDeliveryEntity[] = [];
      const messages = claimed.map((c, i): Claimed => {
        if (c.endpoint === null) return c;
        const kept = fittedDigest(c.endpoint, c.deliveries, context, all[i]);
        if (kept.length === c.deliveries.length) return c;
        const carried = new Set(kept.map((d) => d.id));
        held.push(...c.deliveries.filter((d) => !carried.has(d.id)));
        return { endpoint: c.endpoint, deliveries: kept };
      });
      const mentions = held.length === 0 ? all : await this.db.read((manager) => this.mentions(manager, messages));
      const outcomes = await Promise.all(messages.map((c, i) => this.attempt(c, context, mentions[i])));
      await this.db.write(null, (manager) => this.record(manager, outcomes, held));
      tried += messages.reduce((sum, c) => sum + c.deliveries.length, 0);
      if (due < BATCH || this.stopping) return tried;
    }
  }

  /**
   * Leases due deliveries, and answers them as messages with how many were due; on PostgreSQL,
   * rows another instance is leasing right now are skipped.
   */
  async claim(manager: EntityManager): Promise<{ claimed: Claimed[]; due: number }> {
    const now = this.clock.now();
    const ids = await this.dueIds(manager, now, BATCH);
    if (ids.length === 0) return { claimed: [], due: 0 };
    const deliveries = await manager.findBy(WebhookDeliveryEntity, { id: In(ids) });
    const endpointIds = [...new Set(deliveries.flatMap((d) => (d.endpointId === null ? [] : [d.endpointId])))];
    const endpoints = endpointIds.length === 0 ? [] : await manager.findBy(WebhookEndpointEntity, { id: In(endpointIds) });
    const limited = await this.lockEndpoints(manager, endpoints.filter((e) => e.ratePerMinute !== null).map((e) => e.id));
    const claimed: Claimed[] = await this.personalEmails(manager, deliveries.filter((d) => d.recipientId !== null));
    for (const endpoint of endpoints) {
      const own = deliveries.filter((d) => d.endpointId === endpoint.id);
      if (endpoint.ratePerMinute === null) claimed.push(...own.map((delivery) => ({ endpoint, deliveries: [delivery] })));
      else {
        // Unlocked: another instance is claiming for this endpoint right now (or it is being removed); its deliveries wait for the next run.
        const locked = limited.find((e) => e.id === endpoint.id);
        if (locked) claimed.push(...(await this.withinRate(manager, locked, own, now)));
      }
    }
    const leased = claimed.flatMap((c) => c.deliveries.map((d) => d.id));
    // Long enough for the slowest answer allowed, with room to write it down.
    if (leased.length > 0) await manager.update(WebhookDeliveryEntity, { id: In(leased) }, { leaseUntil: new Date(now.getTime() + this.config.WEBHOOK_TIMEOUT_MS + 30_000) });
    return { claimed, due: ids.length };
  }

  /** Each person's own e-mails, one message each, to the address they have now; none to a deactivated account. */
  private async personalEmails(manager: EntityManager, deliveries: WebhookDeliveryEntity[]): Promise<Claimed[]> {
    if (deliveries.length === 0) return [];
    const people = await manager.find(UserEntity, { where: { id: In([...new Set(deliveries.map((d) => d.recipientId!))]) }, select: { id: true, email: true, active: true } });
    const addresses = new Map(people.map((person) => [person.id, person.active ? person.email : null]));
    return deliveries.map((delivery) => ({ endpoint: null, address: addresses.get(delivery.recipientId!) ?? null, deliveries: [delivery] }));
  }

  private async dueIds(manager: EntityManager, now: Date, limit: number, endpointId?: string, except: string[] = []): Promise<string[]> {
    const due = manager
      .createQueryBuilder(WebhookDeliveryEntity, 'delivery')
      .select('delivery.id', 'id')
      .where("delivery.status = 'pending'")
      .andWhere('delivery.nextAttemptAt <= :now', { now })
      .andWhere('(delivery.leaseUntil IS NULL OR delivery.leaseUntil <= :now)', { now })
      .orderBy('delivery.nextAttemptAt', 'ASC')
      .addOrderBy('delivery.id', 'ASC')
      .limit(limit);
    if (endpointId) due.andWhere('delivery.endpointId = :endpointId', { endpointId });
    if (except.length > 0) due.andWhere('delivery.id NOT IN (:...except)', { except });
    if (this.db.isPostgres) due.setLock('pessimistic_write').setOnLocked('skip_locked');
    return (await due.getRawMany<{ id: string }>()).map((row) => row.id);
  }

  /**
   * The rate-limited endpoints, read again with their rows locked until the claim commits, so their
   * minute's count is this claim's alone. On PostgreSQL a row locked elsewhere is skipped, never
   * waited for: the claim already holds delivery rows, which removing an endpoint locks after its row.
   */
  private async lockEndpoints(manager: EntityManager, ids: string[]): Promise<WebhookEndpointEntity[]> {
    if (ids.length === 0) return [];
    const query = manager.createQueryBuilder(WebhookEndpointEntity, 'endpoint').where('endpoint.id IN (:...ids)', { ids });
    if (this.db.isPostgres) query.setLock('pessimistic_write').setOnLocked('skip_locked');
    return query.getMany();
  }

  /**
   * The messages a rate-limited endpoint sends now: every delivery due to it, one message each
   * while the minute's budget allows; beyond it, digests by group, the last taking the rest (as many
   * groups of them as its robot takes: fittedDigest, when sent).
   * With no budget left, the deliveries wait for the next minute. The messages are counted on the row.
   */
  private async withinRate(manager: EntityManager, endpoint: WebhookEndpointEntity, own: WebhookDeliveryEntity[], now: Date): Promise<Claimed[]> {
    const more = await this.dueIds(manager, now, DIGEST_LIMIT - own.length, endpoint.id, own.map((d) => d.id));
    const pending = [...own, ...(more.length > 0 ? await manager.findBy(WebhookDeliveryEntity, { id: In(more) }) : [])];
    const rate = endpoint.ratePerMinute!;
    // A send logged by an instance whose clock runs ahead counts as sent now, not for as long as the skew.
    const recent = endpoint.recentSends
      .map((sent) => Math.min(Date.parse(sent), now.getTime()))
      .filter((sent) => now.getTime() - sent < MINUTE_MS)
      .sort((a, b) => a - b)
      .map((sent) => new Date(sent).toISOString());
    const budget = rate - recent.length;
    if (budget <= 0) {
      // The moment the count of the last sixty seconds falls under the rate.
      const freed = new Date(Date.parse(recent[recent.length - rate]) + MINUTE_MS);
      await manager.update(WebhookDeliveryEntity, { id: In(pending.map((d) => d.id)) }, { nextAttemptAt: freed });
      return [];
    }
    const messages = pending.length <= budget ? pending.map((d) => [d]) : digests(pending, budget);
    await manager.update(WebhookEndpointEntity, { id: endpoint.id }, { recentSends: [...recent, ...messages.map(() => now.toISOString())] });
    return messages.map((deliveries) => ({ endpoint, deliveries }));
  }

  private async messageContext(manager: EntityManager, claimed: Claimed[]): Promise<MessageContext> {
    const bodies = claimed.filter((c) => c.endpoint?.kind !== 'webhook').flatMap((c) => c.deliveries.map((d) => JSON.parse(d.body) as NoticeBody));
    const ids = [...new Set(bodies.map((b) => b.finding?.responsibleDepartmentId ?? b.round?.departmentId).filter((id): id is string => id !== undefined))];
    const departments = ids.length === 0 ? [] : await manager.find(DepartmentEntity, { where: { id: In(ids) }, select: { id: true, name: true } });
    return {
      language: this.config.NOTIFY_LANGUAGE,
      publicUrl: this.config.PUBLIC_URL ?? null,
      timeZone: this.config.TIME_ZONE,
      departmentNames: new Map(departments.map((d) => [d.id, d.name])),
    };
  }

  /** Whom each robot message mentions (src/channels/mentions.ts); one after another, as they share the unit of work's connection. */
  private async mentions(manager: EntityManager, claimed: Claimed[]): Promise<Mentions[]> {
    const at = this.clock.now();
    const mentions: Mentions[] = [];
    for (const { endpoint, deliveries } of claimed) {
      const bodies = deliveries.map((d) => JSON.parse(d.body) as NoticeBody);
      mentions.push(endpoint?.kind === 'wecom' || endpoint?.kind === 'dingtalk' ? await mentionsOf(manager, bodies, endpoint.kind, at, this.config.TIME_ZONE) : NO_MENTIONS);
    }
    return mentions;
  }

  private async attempt(claimed: Claimed, context: MessageContext, mentions: Mentions): Promise<Outcome> {
    const at = this.clock.now();
    const started = performance.now();
    try {
      const result = claimed.endpoint
        ? await this.sender.send(claimed.endpoint, claimed.deliveries, context, mentions, at)
        : await this.sender.sendPersonalEmail(claimed.address, claimed.deliveries[0], context);
      return { claimed, at, ...result, durationMs: Math.round(performance.now() - started) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { claimed, at, statusCode: null, error: message.slice(0, 500), durationMs: Math.round(performance.now() - started) };
    }
  }

  /**
   * Logs each try, for every delivery a message carried; a failure waits WEBHOOK_BACKOFF_MS, doubled
   * for every failure of that delivery before it, until WEBHOOK_MAX_ATTEMPTS, and a person's own
   * e-mail waits out their quiet hours too. A robot refusing for its rate (another sender shares it)
   * has not tried the message: no try is counted, and the endpoint sends nothing for a minute. The
   * deliveries `held` out of a digest lose their lease with no try recorded: the next claim takes them.
   */
  private async record(manager: EntityManager, outcomes: Outcome[], held: WebhookDeliveryEntity[] = []): Promise<void> {
    const now = this.clock.now();
    for (let i = 0; i < held.length; i += 200) {
      await manager.update(WebhookDeliveryEntity, { id: In(held.slice(i, i + 200).map((d) => d.id)) }, { leaseUntil: null });
    }
    const failedRecipients = outcomes.flatMap((o) => (o.error === null ? [] : o.claimed.deliveries.flatMap((d) => (d.recipientId === null ? [] : [d.recipientId]))));
    const settings = await readNotificationSettings(manager, failedRecipients);
    for (const { claimed, at, statusCode, error, durationMs, throttled } of outcomes) {
      if (throttled && claimed.endpoint) {
        await this.waitOutRate(manager, claimed.endpoint, claimed.deliveries, error!, now);
        continue;
      }
      for (const delivery of claimed.deliveries) {
        const attempts = delivery.attempts + 1;
        await manager.insert(WebhookAttemptEntity, { id: randomUUID(), deliveryId: delivery.id, attempt: attempts, at, statusCode, error, durationMs });
        const backoff = new Date(now.getTime() + this.config.WEBHOOK_BACKOFF_MS * 2 ** (attempts - 1));
        const changes: Partial<WebhookDeliveryEntity> =
          error === null
            ? { status: 'delivered', deliveredAt: now }
            : attempts >= this.config.WEBHOOK_MAX_ATTEMPTS
              ? { status: 'dead' }
              : { nextAttemptAt: delivery.recipientId === null ? backoff : releaseAt(settings.get(delivery.recipientId)!, backoff, this.config.TIME_ZONE) };
        await manager.update(WebhookDeliveryEntity, { id: delivery.id }, { ...changes, attempts, lastError: error, leaseUntil: null });
        this.metrics.webhookAttempts.inc({ outcome: changes.status ?? 'failed' });
      }
    }
  }

  /** The robot is over its rate: the endpoint's log is filled for the next minute, and the deliveries wait for it, no try counted. */
  private async waitOutRate(manager: EntityManager, endpoint: WebhookEndpointEntity, deliveries: WebhookDeliveryEntity[], error: string, now: Date): Promise<void> {
    await manager.update(WebhookEndpointEntity, { id: endpoint.id }, { recentSends: Array<string>(endpoint.ratePerMinute ?? 1).fill(now.toISOString()) });
    const nextMinute = new Date(now.getTime() + MINUTE_MS);
    await manager.update(WebhookDeliveryEntity, { id: In(deliveries.map((d) => d.id)) }, { nextAttemptAt: nextMinute, lastError: error, leaseUntil: null });
    this.metrics.webhookAttempts.inc({ outcome: 'throttled' }, deliveries.length);
  }
}

/** `deliveries` by digest group, in the order digestMessage lists the groups. */
function grouped(deliveries: readonly WebhookDeliveryEntity[]): WebhookDeliveryEntity[][] {
  const groups = new Map<string, WebhookDeliveryEntity[]>();
  for (const delivery of deliveries) {
    const key = digestGroup(JSON.parse(delivery.body) as NoticeBody);
    groups.set(key, [...(groups.get(key) ?? []), delivery]);
  }
  return [...groups.values()];
}

/**
 * `pending` in at most `budget` messages: one per digest group, the groups beyond the budget all in
 * the last (which fittedDigest then cuts to what its robot takes).
 */
function digests(pending: WebhookDeliveryEntity[], budget: number): WebhookDeliveryEntity[][] {
  const all = grouped(pending);
  return all.length <= budget ? all : [...all.slice(0, budget - 1), all.slice(budget - 1).flat()];
}

/**
 * What a robot's digest carries: its groups, one after another, while the digest (every heading,
 * link and listed title) fits the kind's bytes with the mentions; the first group always, its list
 * of titles shortened when it is too long alone (wecomMessage, dingtalkMessage). Whole groups are
 * carried or not; the deliveries left out wait for another message. Other kinds, and single
 * deliveries, carry all.
 */
export function fittedDigest(endpoint: Pick<WebhookEndpointEntity, 'kind'>, deliveries: WebhookDeliveryEntity[], context: MessageContext, mentions: Mentions): WebhookDeliveryEntity[] {
  const fits = endpoint.kind === 'wecom' ? wecomFits : endpoint.kind === 'dingtalk' ? dingtalkFits : null;
  if (fits === null || deliveries.length <= 1) return deliveries;
  const bodies = (some: WebhookDeliveryEntity[]) => some.map((d) => JSON.parse(d.body) as NoticeBody);
  if (fits(digestMessage(bodies(deliveries), context), mentions, context.language)) return deliveries;
  let kept: WebhookDeliveryEntity[] = [];
  for (const group of grouped(deliveries)) {
    const next = [...kept, ...group];
    if (kept.length > 0 && !fits(digestMessage(bodies(next), context), mentions, context.language)) break;
    kept = next;
  }
  return kept;
}
