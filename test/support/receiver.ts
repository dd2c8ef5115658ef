import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local HTTP server standing in for a webhook receiver: records what comes, answers with `status()`. */
export class Receiver {
  readonly received: Received[] = [];
  /** The status to answer the next request with. */
  status: (request: Received) => number = () => 200;
  /** Whether to leave a request unanswered, as a receiver that hangs would. */
  hold: (request: Received) => boolean = () => false;
  /** The body of the answer: a robot says `{"errcode":0,"errmsg":"ok"}`. */
  answer: (request: Received) => string = () => '';
  private server?: Server;

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const received = { path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
        this.received.push(received);
        if (this.hold(received)) return;
        response.statusCode = this.status(received);
        response.end(this.answer(received));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}${path}`;
  }

  /** The parsed bodies received on `path`. */
  bodies(path = '/hook'): Record<string, any>[] {
    return this.received.filter((r) => r.path === path).map((r) => JSON.parse(r.body));
  }

  stop(): Promise<void> {
    this.server!.closeAllConnections();
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }
}

/**
 * What a receiver does with X-Webhook-Signature, as docs/webhooks.md shows: v1 must be the
 * HMAC-SHA256 of `${t}.${body}` under the shared secret, and t within five minutes of now.
 */
export function verifiesTimestamped(header: string | string[] | undefined, body: string, secret: string, nowSeconds: number): boolean {
  const fields = new Map(String(header).split(',').map((part) => [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)]));
  const t = Number(fields.get('t'));
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > 300) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${body}`).digest('hex'));
  const given = Buffer.from(fields.get('v1') ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
