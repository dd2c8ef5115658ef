import { Injectable } from '@nestjs/common';
import { EntityManager, In } from 'typeorm';
import { INBOX_NOTICE_TYPES, MANDATORY_NOTICE_TYPES, type InboxNoticeType, type PayloadProblem } from '../../workflows';
import { InvalidInputException } from '../common/api-error';
import { Clock } from '../common/clock';
import { Database } from '../database/database';
import { RowMapper } from '../database/row-mapper';
import type { AuthUser } from '../identity/auth-user';
import { NOTIFICATION_CHANNELS, NotificationSettings, defaultNotificationSettings } from './notification-preferences';
import { NotificationSettingsDto } from './notification-settings.dto';
import { NotificationSettingsEntity } from './notification-settings.entity';

const MANDATORY_RULE = `must include ${MANDATORY_NOTICE_TYPES.join(', ')}: a deadline passing and escalations cannot be switched off`;

/** Each person's notification settings, their own to read and set. */
@Injectable()
export class NotificationSettingsService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  get(auth: AuthUser): Promise<NotificationSettingsDto> {
    return this.db.read(async (manager) => (await readNotificationSettings(manager, [auth.id])).get(auth.id)!);
  }

  /** Replaces the caller's settings whole; nothing is written unless all of it is acceptable. */
  put(auth: AuthUser, dto: NotificationSettingsDto): Promise<NotificationSettingsDto> {
    const problems: PayloadProblem[] = NOTIFICATION_CHANNELS.filter((channel) => MANDATORY_NOTICE_TYPES.some((type) => !dto.channels[channel].includes(type))).map((channel) => ({
      field: `channels.${channel}`,
      reason: MANDATORY_RULE,
    }));
    if (dto.quietHours && dto.quietHours.start === dto.quietHours.end) problems.push({ field: 'quietHours.end', reason: 'must differ from start' });
    if (problems.length > 0) throw new InvalidInputException(problems);
    const mutedTypes = Object.fromEntries(NOTIFICATION_CHANNELS.map((channel) => [channel, INBOX_NOTICE_TYPES.filter((type) => !dto.channels[channel].includes(type))]));
    const row = {
      userId: auth.id,
      mutedTypes: mutedTypes as NotificationSettingsEntity['mutedTypes'],
      quietHoursStart: dto.quietHours?.start ?? null,
      quietHoursEnd: dto.quietHours?.end ?? null,
      updatedAt: this.clock.now(),
    };
    return this.db.write(auth.request, async (manager) => {
      await RowMapper.of(manager, NotificationSettingsEntity).upsert(manager, row, 'userId');
      return toSettings(row);
    });
  }
}

/**
 * The settings of each of `userIds`, in the caller's unit of work: a person who chose nothing gets
 * the defaults. A plain function, so the delivery side reads them without depending on this module.
 */
export async function readNotificationSettings(manager: EntityManager, userIds: readonly string[]): Promise<Map<string, NotificationSettings>> {
  const rows = userIds.length === 0 ? [] : await manager.findBy(NotificationSettingsEntity, { userId: In([...new Set(userIds)]) });
  const chosen = new Map(rows.map((row) => [row.userId, toSettings(row)]));
  return new Map(userIds.map((id) => [id, chosen.get(id) ?? defaultNotificationSettings()]));
}

/** The stored row as settings: on each channel every type not switched off (a channel never stored: all of them). */
function toSettings(row: Pick<NotificationSettingsEntity, 'mutedTypes' | 'quietHoursStart' | 'quietHoursEnd'>): NotificationSettings {
  const wanted = (muted: readonly InboxNoticeType[] = []) => INBOX_NOTICE_TYPES.filter((type) => !muted.includes(type));
  return {
    channels: { email: wanted(row.mutedTypes.email), wecom: wanted(row.mutedTypes.wecom), dingtalk: wanted(row.mutedTypes.dingtalk) },
    quietHours: row.quietHoursStart && row.quietHoursEnd ? { start: row.quietHoursStart, end: row.quietHoursEnd } : null,
  };
}
