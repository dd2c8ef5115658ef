import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import { AppConfig } from '../config/app-config';
import type { WebhookDeliveryEntity, WebhookEndpointEntity } from '../webhooks/webhook.entities';
import { postJson, signature, timestampedSignature } from '../webhooks/webhook-network';
import { dingtalkMessage, signedDingtalkUrl } from './dingtalk';
import { emailContent } from './email';
import { safeMentions, type Mentions } from './mentions';
import { digestMessage, noticeMessage, type MessageContext, type NoticeBody } from './notice-message';
import { wecomMessage } from './wecom';

/** How a try went: the receiver's status (HTTP, or the mail server's reply code) and, when it failed, why. */
export interface SendResult {
  statusCode: number | null;
  error: string | null;
  /** A robot refused the message for its rate, before looking at it. */
  throttled?: boolean;
}

/** The error codes a robot answers when over its rate: WeCom's, DingTalk's. */
const OVER_RATE = [45009, 130101];

/**
 * Sends one message to one endpoint in its kind's way: a delivery's body as a signed webhook, or
 * one notice (or a digest of several) as a robot's markdown or an e-mail, rendered at each try.
 * Rejects when no answer came.
 */
@Injectable()
export class ChannelSender implements OnModuleDestroy {
  private mailer?: Transporter;

  constructor(private readonly config: AppConfig) {}

  onModuleDestroy(): void {
    this.mailer?.close();
  }

  async send(endpoint: WebhookEndpointEntity, deliveries: readonly WebhookDeliveryEntity[], context: MessageContext, mentions: Mentions, at: Date): Promise<SendResult> {
    if (endpoint.kind === 'webhook') return this.sendWebhook(endpoint, deliveries[0], at);
    const bodies = deliveries.map((delivery) => JSON.parse(delivery.body) as NoticeBody);
    const message = bodies.length === 1 ? noticeMessage(bodies[0], context) : digestMessage(bodies, context);
    const safe = safeMentions(mentions);
    switch (endpoint.kind) {
      case 'wecom':
        return this.sendRobot(new URL(endpoint.url), wecomMessage(message, safe, context.language));
      case 'dingtalk':
        return this.sendRobot(signedDingtalkUrl(endpoint.url, endpoint.secret, at), dingtalkMessage(message, safe, context.language));
      case 'email':
        return this.sendEmail(endpoint.url.slice('mailto:'.length), emailContent(message, context.language));
    }
  }

  /** One person's own e-mail of one notice, in NOTIFY_LANGUAGE (no one's language is recorded). */
  async sendPersonalEmail(address: string | null, delivery: WebhookDeliveryEntity, context: MessageContext): Promise<SendResult> {
    if (address === null) return { statusCode: null, error: 'the person has no e-mail address, or their account is deactivated' };
    return this.sendEmail(address, emailContent(noticeMessage(JSON.parse(delivery.body) as NoticeBody, context), context.language));
  }

  /** The notice's JSON as stored, signed with the endpoint's secret: the same bytes every try. */
  private async sendWebhook(endpoint: WebhookEndpointEntity, delivery: WebhookDeliveryEntity, at: Date): Promise<SendResult> {
    const headers = {
      'user-agent': 'triple-round-webhooks/1',
      'x-signature-256': signature(endpoint.secret, delivery.body),
      'x-webhook-signature': timestampedSignature(endpoint.secret, delivery.body, at),
      'x-delivery-id': delivery.id,
      'x-notice-type': delivery.type,
    };
    const { statusCode } = await postJson(new URL(endpoint.url), delivery.body, headers, this.networkOptions());
    return { statusCode, error: statusCode >= 200 && statusCode < 300 ? null : `answered ${statusCode}` };
  }

  /** A robot answers 200 whether or not it took the message: `errcode` 0 says it did. */
  private async sendRobot(url: URL, message: object): Promise<SendResult> {
    const { statusCode, body } = await postJson(url, JSON.stringify(message), { 'user-agent': 'triple-round-webhooks/1' }, this.networkOptions());
    if (statusCode < 200 || statusCode >= 300) return { statusCode, error: `answered ${statusCode}` };
    let answer: { errcode?: unknown; errmsg?: unknown };
    try {
      answer = JSON.parse(body);
    } catch {
      return { statusCode, error: 'answered without the robot\'s {"errcode": …}' };
    }
    if (answer.errcode === 0) return { statusCode, error: null };
    return { statusCode, error: `errcode ${String(answer.errcode)}: ${String(answer.errmsg ?? '')}`.slice(0, 500), throttled: OVER_RATE.includes(answer.errcode as number) };
  }

  private async sendEmail(to: string, content: { subject: string; text: string; html: string }): Promise<SendResult> {
    if (!this.config.SMTP_URL) return { statusCode: null, error: 'SMTP_URL is not set' };
    this.mailer ??= createTransport({
      url: this.config.SMTP_URL,
      connectionTimeout: this.config.WEBHOOK_TIMEOUT_MS,
      greetingTimeout: this.config.WEBHOOK_TIMEOUT_MS,
      socketTimeout: this.config.WEBHOOK_TIMEOUT_MS,
    });
    // nodemailer's timeouts bound each step, not the whole: a server slow at every step could outlast the delivery's lease, and another instance would send it too.
    const info = await withinMs(this.config.WEBHOOK_TIMEOUT_MS, this.mailer.sendMail({ from: this.config.NOTIFY_EMAIL_FROM, to, ...content, textEncoding: 'base64' }));
    const code = Number(/^\d{3}/.exec(String(info.response))?.[0] ?? NaN);
    return { statusCode: Number.isNaN(code) ? null : code, error: (info.rejected ?? []).length > 0 ? `refused by the mail server: ${info.response}`.slice(0, 500) : null };
  }

  private networkOptions() {
    return { timeoutMs: this.config.WEBHOOK_TIMEOUT_MS, allowPrivateNetworks: this.config.WEBHOOK_ALLOW_PRIVATE_NETWORKS };
  }
}

/** `work`'s answer, or a failure once `ms` have passed without one. */
async function withinMs<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the mail server did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
