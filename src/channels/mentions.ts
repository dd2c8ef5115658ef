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
 * The people a robot message about these notices mentions: the one place to look them up (a
 * finding's responsible person by `finding.id`, say, once people's WeCom and DingTalk ids and
 * mobiles are recorded on their accounts). Until then, no one.
 */
export async function mentionsOf(_manager: EntityManager, bodies: readonly NoticeBody[]): Promise<Mentions> {
  // Never for an integrity matter: a mention would tell the group who is involved.
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
