import { EntityManager, In } from 'typeorm';
import type { InboxNoticeType } from '../../workflows';
import { NotificationEntity } from '../notifications/notification.entity';
import { releaseAt, wants } from '../notifications/notification-preferences';
import { readNotificationSettings } from '../notifications/notification-settings.service';
import { UserEntity } from '../identity/user.entity';
import { isIntegrity, type NoticeBody } from './notice-message';

/** Who a robot message mentions: WeCom user ids (`<@id>`), DingTalk user ids and mobiles (`at`). */
export interface Mentions {
  wecomUserIds: string[];
  dingtalkUserIds: string[];
  mobiles: string[];
}

export const NO_MENTIONS: Mentions = { wecomUserIds: [], dingtalkUserIds: [], mobiles: [] };

/**
 * The people a robot message about these finding notices mentions: those the notices told in their
 * inbox who have an id on the robot's messenger (on DingTalk, else a mobile), want the notice's type
 * on it, and are outside their quiet hours at `at` (the group message goes all the same; only the
 * mention, which would reach the person, waits for no one). One query for a digest's notices.
 */
export async function mentionsOf(
  manager: EntityManager,
  bodies: readonly NoticeBody[],
  messenger: 'wecom' | 'dingtalk',
  at: Date,
  timeZone: string,
): Promise<Mentions> {
  // Never for an integrity matter: a mention would tell the group who is involved.
  if (bodies.some(isIntegrity)) return NO_MENTIONS;
  const noticeIds = bodies.filter((body) => body.finding).map((body) => body.id);
  if (noticeIds.length === 0) return NO_MENTIONS;
  const told = await manager
    .createQueryBuilder(NotificationEntity, 'notice')
    .innerJoin(UserEntity, 'person', 'person.id = notice.recipientId')
    .select(['notice.recipientId AS "recipientId"', 'notice.type AS "type"', 'person.wecomUserId AS "wecomUserId"', 'person.dingtalkUserId AS "dingtalkUserId"', 'person.mobile AS "mobile"'])
    .where('notice.noticeId IN (:...noticeIds)', { noticeIds })
    .andWhere('person.active = :active', { active: true })
    .andWhere(messenger === 'wecom' ? 'person.wecomUserId IS NOT NULL' : '(person.dingtalkUserId IS NOT NULL OR person.mobile IS NOT NULL)')
    .orderBy('notice.recipientId', 'ASC')
    .getRawMany<{ recipientId: string; type: InboxNoticeType; wecomUserId: string | null; dingtalkUserId: string | null; mobile: string | null }>();
  const settings = await readNotificationSettings(manager, told.map((row) => row.recipientId));
  const mentioned = new Map<string, (typeof told)[number]>();
  for (const row of told) {
    const chosen = settings.get(row.recipientId)!;
    if (wants(chosen, messenger, row.type) && releaseAt(chosen, at, timeZone).getTime() <= at.getTime()) mentioned.set(row.recipientId, row);
  }
  const people = [...mentioned.values()];
  if (messenger === 'wecom') return { ...NO_MENTIONS, wecomUserIds: people.map((p) => p.wecomUserId!) };
  return {
    wecomUserIds: [],
    dingtalkUserIds: people.filter((p) => p.dingtalkUserId !== null).map((p) => p.dingtalkUserId!),
    mobiles: people.filter((p) => p.dingtalkUserId === null).map((p) => p.mobile!),
  };
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
