import { createHmac } from 'node:crypto';
import { LookupAddress, LookupOptions, lookup } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { LookupFunction, isIP } from 'node:net';
import { promisify } from 'node:util';
import ipaddr from 'ipaddr.js';

/** Only globally routable addresses: not loopback, private, link-local, unique-local, CGNAT, multicast or reserved. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  // ::/96 (IPv4-compatible, deprecated) reads as unicast to ipaddr.js, yet `::127.0.0.1` is loopback to some stacks.
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).parts.slice(0, 6).every((part) => part === 0)) return false;
  return parsed.range() === 'unicast';
}

/** Why a URL may not receive webhooks here, or null. Looks the host up: a name may point inside. */
export async function refusedUrl(url: URL, allowPrivateNetworks: boolean): Promise<string | null> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
  if (url.username || url.password) return 'must not carry credentials; the signature authenticates the sender';
  if (allowPrivateNetworks) return null;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await lookupWithin(host, LOOKUP_TIMEOUT_MS);
  } catch (error) {
    return error instanceof LookupTimeout ? `host ${host} did not resolve within ${LOOKUP_TIMEOUT_MS / 1000} s` : `host ${host} does not resolve`;
  }
  const inside = addresses.find((address) => !isPublicAddress(address));
  return inside ? privateAddressReason(host, inside) : null;
}

/** A registration waits this long for the name server: a slow one must not hold the request (or the lookup threads) for long. */
const LOOKUP_TIMEOUT_MS = 2000;

class LookupTimeout extends Error {}

/** Every address `host` resolves to, or a LookupTimeout once `ms` have passed (the lookup itself cannot be cancelled). */
async function lookupWithin(host: string, ms: number): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new LookupTimeout()), ms)));
  try {
    const found = await Promise.race([promisify(lookup)(host, { all: true }), timeout]);
    return found.map((address: LookupAddress) => address.address);
  } finally {
    clearTimeout(timer);
  }
}

const privateAddressReason = (host: string, address: string) =>
  `host ${host} resolves to ${address}, a loopback or private address; set WEBHOOK_ALLOW_PRIVATE_NETWORKS=true to deliver inside an intranet`;

/** `sha256=<hex>` of the body under the endpoint's secret, for the X-Signature-256 header (kept for receivers that check it). */
export function signature(secret: string, body: string): string {
  return `sha256=${hmacHex(secret, body)}`;
}

/**
 * `t=<Unix seconds>,v1=<hex>` for the X-Webhook-Signature header, v1 signing `${t}.${body}` under
 * the endpoint's secret (as Stripe does): a receiver that refuses an old t refuses replays.
 */
export function timestampedSignature(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${hmacHex(secret, `${t}.${body}`)}`;
}

const hmacHex = (secret: string, text: string): string => createHmac('sha256', secret).update(text).digest('hex');

/** What a receiver answered: its status and the start of its body (a robot says in it whether it took the message). */
export interface Answer {
  statusCode: number;
  body: string;
}

/** The part of an answer's body kept: enough for a robot's `{"errcode":…,"errmsg":…}`. */
const ANSWER_BYTES = 16_384;

/**
 * POSTs a JSON body; resolves with the answer whatever its status, rejects when there is none
 * (refused address, connection error, timeout). Unless private networks are allowed, the address is
 * checked again as the connection is made, so a name that changed since registration cannot lead inside.
 */
export function postJson(
  url: URL,
  body: string,
  headers: Record<string, string>,
  { timeoutMs, allowPrivateNetworks }: { timeoutMs: number; allowPrivateNetworks: boolean },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (!allowPrivateNetworks && isIP(host) && !isPublicAddress(host)) {
      reject(new Error(privateAddressReason(host, host)));
      return;
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
        ...(!allowPrivateNetworks && { lookup: publicOnlyLookup }),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on('data', (chunk: Buffer) => {
          if (kept < ANSWER_BYTES) chunks.push(chunk.subarray(0, ANSWER_BYTES - kept));
          kept += chunk.length;
        });
        response.on('end', () => settle(() => resolve({ statusCode: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })));
        response.on('error', (error) => settle(() => reject(error)));
      },
    );
    // The whole try, answer included, within the limit: a receiver trickling bytes must not outlast the lease.
    const limit = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const settle = (done: () => void) => {
      clearTimeout(limit);
      done();
    };
    request.on('error', (error) => settle(() => reject(error)));
    request.end(body);
  });
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

const publicOnlyLookup = ((hostname: string, options: LookupOptions, callback: LookupCallback): void => {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '');
    const inside = addresses.find((a) => !isPublicAddress(a.address));
    if (inside) return callback(new Error(privateAddressReason(hostname, inside.address)), '');
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
}) as LookupFunction;
