import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, Matches, ValidateBy, ValidateIf, ValidateNested } from 'class-validator';
import { INBOX_NOTICE_TYPES, type InboxNoticeType } from '../../workflows';
import type { NotificationChannel, NotificationSettings } from './notification-preferences';

const WALL_CLOCK_TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

/** What is wrong with a channel's list of notice types, if anything; one reason, the first that holds. */
function noticeTypeListProblem(value: unknown): string | null {
  if (value === undefined) return 'is required: a PUT gives the settings whole';
  if (!Array.isArray(value)) return 'must be an array of notice types';
  const unknown = value.find((type) => !(INBOX_NOTICE_TYPES as readonly unknown[]).includes(type));
  if (unknown !== undefined) return `names ${JSON.stringify(unknown)}, which is none of ${INBOX_NOTICE_TYPES.join(', ')}`;
  if (new Set(value).size !== value.length) return 'names a notice type twice';
  return null;
}

const IsNoticeTypeList = () =>
  ValidateBy({
    name: 'isNoticeTypeList',
    validator: {
      validate: (value: unknown) => noticeTypeListProblem(value) === null,
      defaultMessage: (args) => `${args?.property} ${noticeTypeListProblem(args?.value)}`,
    },
  });

/** Per channel, the notice types wanted on it; each list must hold the mandatory ones. */
export class ChannelPreferencesDto implements Record<NotificationChannel, InboxNoticeType[]> {
  @ApiProperty({ enum: INBOX_NOTICE_TYPES, isArray: true })
  @IsNoticeTypeList()
  email: InboxNoticeType[];

  /** WeCom (企业微信). */
  @ApiProperty({ enum: INBOX_NOTICE_TYPES, isArray: true })
  @IsNoticeTypeList()
  wecom: InboxNoticeType[];

  /** DingTalk (钉钉). */
  @ApiProperty({ enum: INBOX_NOTICE_TYPES, isArray: true })
  @IsNoticeTypeList()
  dingtalk: InboxNoticeType[];
}

/** Wall-clock times in the service's TIME_ZONE; over midnight when `end` is earlier than `start`. */
export class QuietHoursDto {
  /** `HH:MM`, 00:00 to 23:59: from this minute on, notices wait. */
  @Matches(WALL_CLOCK_TIME, { message: 'start must be a time of day HH:MM, 00:00 to 23:59' })
  start: string;

  /** `HH:MM`: at this minute what waited goes out. Not the same as `start`. */
  @Matches(WALL_CLOCK_TIME, { message: 'end must be a time of day HH:MM, 00:00 to 23:59' })
  end: string;
}

/** A person's notification settings (GET and PUT /me/notification-settings); a PUT gives them whole. */
export class NotificationSettingsDto implements NotificationSettings {
  @IsObject({ message: 'channels must be an object naming email, wecom and dingtalk' })
  @ValidateNested()
  @Type(() => ChannelPreferencesDto)
  channels: ChannelPreferencesDto;

  /** null for none. */
  @ValidateIf((_, value) => value !== null)
  @IsObject({ message: 'quietHours must be an object {start, end}, or null for none' })
  @ValidateNested()
  @Type(() => QuietHoursDto)
  quietHours: QuietHoursDto | null;
}
