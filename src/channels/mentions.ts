import type { EntityManager } from 'typeorm';
import { isIntegrity, type NoticeBody } from './notice-message';

/** Who a robot message mentions: WeCom user ids (`<@id>`), DingTalk user ids and mobiles (`at`). */
export interface Mentions {
  wecomUserIds: string[];
  dingtalkUserIds: string[];
  mobiles: string[];
}

export const NO_MENTIONS: Mentions = { wecomUserIds: [], dingtalkUserIds: [], mobiles: [] };

/**
 * The people a message about these notices mentions. None yet: people's WeCom and DingTalk ids and
 * mobiles are not recorded. When they are, this is the one place to look them up (a finding's
 * responsible person, say, by `finding.id`). Integrity notices never mention anyone: a mention
 * would tell the group who is involved.
 */
export async function mentionsOf(_manager: EntityManager, bodies: readonly NoticeBody[]): Promise<Mentions> {
  if (bodies.some(isIntegrity)) return NO_MENTIONS;
  return NO_MENTIONS;
}

const USER_ID = /^[A-Za-z0-9_.@-]{1,64}$/;
const MOBILE = /^\+?[0-9-]{5,20}$/;

/** Only ids and mobiles that cannot break out of a mention's markup. */
export function safeMentions(mentions: Mentions): Mentions {
  return {
    wecomUserIds: mentions.wecomUserIds.filter((id) => USER_ID.test(id)),
    dingtalkUserIds: mentions.dingtalkUserIds.filter((id) => USER_ID.test(id)),
    mobiles: mentions.mobiles.filter((mobile) => MOBILE.test(mobile)),
  };
}
