import { ROBOT_RATE_PER_MINUTE, type PayloadProblem } from '../../workflows';
import type { EndpointKind } from '../webhooks/webhook.entities';

/** What an endpoint of a kind is registered with, after the DTO's checks of each field alone. */
export interface EndpointFields {
  kind: EndpointKind;
  url?: string;
  address?: string;
  secret?: string;
  ratePerMinute?: number;
}

/** The address each robot posts to, in its documented form. */
const ROBOT_URLS: Partial<Record<EndpointKind, { origin: string; path: string; credential: string; example: string }>> = {
  wecom: { origin: 'https://qyapi.weixin.qq.com', path: '/cgi-bin/webhook/send', credential: 'key', example: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…' },
  dingtalk: { origin: 'https://oapi.dingtalk.com', path: '/robot/send', credential: 'access_token', example: 'https://oapi.dingtalk.com/robot/send?access_token=…' },
};

/**
 * What is wrong with the fields for their kind, by field. A robot's URL must be the robot's own
 * address, unless WEBHOOK_ALLOW_PRIVATE_NETWORKS (an intranet relay, or a test's receiver).
 */
export function kindProblems(fields: EndpointFields, { allowPrivateNetworks, smtpConfigured }: { allowPrivateNetworks: boolean; smtpConfigured: boolean }): PayloadProblem[] {
  const problems: PayloadProblem[] = [];
  const { kind } = fields;
  if (kind === 'email') {
    if (fields.url !== undefined) problems.push({ field: 'url', reason: 'an email endpoint takes an address, not a url' });
    if (!smtpConfigured) problems.push({ field: 'kind', reason: 'email endpoints need SMTP_URL to be set' });
  } else if (fields.url === undefined) {
    problems.push({ field: 'url', reason: `a ${kind} endpoint needs a url` });
  }
  if (kind !== 'email' && fields.address !== undefined) problems.push({ field: 'address', reason: `a ${kind} endpoint takes a url, not an address` });
  if ((kind === 'wecom' || kind === 'email') && fields.secret !== undefined) problems.push({ field: 'secret', reason: `a ${kind} endpoint has no secret` });
  if (kind === 'dingtalk' && fields.secret !== undefined && !/^SEC[0-9A-Za-z]+$/.test(fields.secret)) {
    problems.push({ field: 'secret', reason: 'must be the robot\'s signing secret (加签), which starts with SEC' });
  }
  if (kind === 'webhook' && fields.ratePerMinute !== undefined) problems.push({ field: 'ratePerMinute', reason: 'applies to wecom, dingtalk and email endpoints' });
  const robot = ROBOT_URLS[kind];
  if (robot && fields.url !== undefined && !allowPrivateNetworks) {
    const url = new URL(fields.url);
    if (url.origin !== robot.origin || url.pathname !== robot.path || !url.searchParams.get(robot.credential)) {
      problems.push({ field: 'url', reason: `must be the robot's address, ${robot.example} (a relay on the intranet, or a receiver for testing, needs WEBHOOK_ALLOW_PRIVATE_NETWORKS=true)` });
    }
  }
  return problems;
}

/** The rate an endpoint starts with: the one given, a robot's usual, or none. */
export function initialRate(kind: EndpointKind, given: number | undefined): number | null {
  return given ?? (kind === 'wecom' || kind === 'dingtalk' ? ROBOT_RATE_PER_MINUTE : null);
}
