import { OmitType, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayUnique,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ArrayMinSize,
  IsBoolean,
  ValidateIf,
} from 'class-validator';
import { DEPARTMENT_KINDS, ROUND_TYPES, USER_ROLES, type DepartmentKind, type Role, type RoundType } from '../../workflows';
import { PageQuery } from '../common/pagination';
import { MayBeLeftOut, IsMailbox } from '../common/validation';
import { DepartmentEntity } from './department.entity';
import { DeviceEntity } from './device.entity';
import { PASSWORD_MAX_LENGTH } from './passwords';
import { UserEntity } from './user.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** A contact given as blank text is cleared, as by null. */
const contact = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() || null : value);

/** A mobile number is kept as its 11 digits: a leading `+86` (or `+86 `, `+86-`) is dropped. */
const mobileNumber = ({ value }: { value: unknown }) => {
  const given = contact({ value });
  return typeof given === 'string' ? given.replace(/^\+86[ -]?/, '') : given;
};

/** A WeCom or DingTalk user id: what either service issues, and nothing that could be markup, a formula or a path. */
const MESSENGER_USER_ID = /^[A-Za-z0-9_.@-]{1,64}$/;
const MESSENGER_USER_ID_RULE = 'must be 1-64 letters, digits, "_", "-", "." or "@"';

/** The fields a person's contacts are changed by; each may be left out (kept), or given as null or "" (cleared). */
export class ContactFieldsDto {
  @IsOptional()
  @Transform(contact)
  @IsString()
  @MaxLength(254)
  @IsMailbox('email')
  email?: string | null;

  /** A mainland China mobile number: 11 digits from 13 to 19, with or without +86 (kept without). */
  @IsOptional()
  @Transform(mobileNumber)
  @IsString()
  @Matches(/^1[3-9][0-9]{9}$/, { message: 'mobile must be a mainland China mobile number: 11 digits beginning 13-19, with or without +86' })
  mobile?: string | null;

  /** The person's WeCom (企业微信) user id, for a group robot to mention them by. */
  @IsOptional()
  @Transform(contact)
  @IsString()
  @Matches(MESSENGER_USER_ID, { message: `wecomUserId ${MESSENGER_USER_ID_RULE}` })
  wecomUserId?: string | null;

  /** The person's DingTalk (钉钉) user id, for a group robot to mention them by. */
  @IsOptional()
  @Transform(contact)
  @IsString()
  @Matches(MESSENGER_USER_ID, { message: `dingtalkUserId ${MESSENGER_USER_ID_RULE}` })
  dingtalkUserId?: string | null;
}

/** The contact fields, in the order they are audited. */
export const CONTACT_FIELDS = ['email', 'mobile', 'wecomUserId', 'dingtalkUserId'] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

/** A person's contacts, as they and administrators read them; null for one not given. */
export class ContactDto {
  email: string | null;
  mobile: string | null;
  wecomUserId: string | null;
  dingtalkUserId: string | null;

  static from(entity: UserEntity): ContactDto {
    const { email, mobile, wecomUserId, dingtalkUserId } = entity;
    return { email, mobile, wecomUserId, dingtalkUserId };
  }
}

export class LoginDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  username: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  password: string;
}

export class CreateDepartmentDto {
  /** Short unique code, e.g. `CARD` for cardiology. */
  @Transform(trim)
  @Matches(/^[A-Za-z0-9_-]{1,32}$/, { message: 'code must be 1-32 letters, digits, "_" or "-"' })
  code: string;

  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @IsIn(DEPARTMENT_KINDS)
  kind: DepartmentKind;

  /** The Party branch (党支部) the department belongs to: see /party-branches. */
  @IsOptional()
  @IsUUID()
  partyBranchId?: string;

  /** Round types this department is lead office for: its verifiers verify those findings. */
  @MayBeLeftOut()
  @IsArray()
  @ArrayUnique()
  @IsIn(ROUND_TYPES, { each: true })
  leadOfficeFor?: RoundType[];
}

export class DepartmentDto {
  id: string;
  code: string;
  name: string;
  kind: DepartmentKind;
  partyBranchId: string | null;
  /** The branch's name, for display; null without a branch. */
  partyBranchName: string | null;
  leadOfficeFor: RoundType[];
  createdAt: Date;

  /** `branchNames`: the name of each branch, by id (at least the department's). */
  static from(entity: DepartmentEntity, branchNames: ReadonlyMap<string, string>): DepartmentDto {
    const { id, code, name, kind, partyBranchId, leadOfficeFor, createdAt } = entity;
    return { id, code, name, kind, partyBranchId, partyBranchName: (partyBranchId && branchNames.get(partyBranchId)) ?? null, leadOfficeFor, createdAt };
  }
}

/** What an administrator may change about a department; its code stays. */
export class UpdateDepartmentDto extends PartialType(OmitType(CreateDepartmentDto, ['code', 'partyBranchId'] as const), { skipNullProperties: false }) {
  /** null takes the department out of its branch. */
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsUUID()
  partyBranchId?: string | null;
}

export class CreateUserDto {
  @Transform(trim)
  @Matches(/^[A-Za-z0-9_.-]{3,64}$/, { message: 'username must be 3-64 letters, digits, ".", "_" or "-"' })
  username: string;

  /** At least 12 characters, not containing the username, not a common password. */
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;

  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  displayName: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(USER_ROLES, { each: true })
  roles: Role[];

  /** Required for department staff and verifiers. */
  @IsOptional()
  @IsUUID()
  departmentId?: string;
}

export class UserDto {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  departmentId: string | null;
  active: boolean;
  /** After an administrator's password reset: the user may do nothing but choose a new password. */
  mustChangePassword: boolean;
  createdAt: Date;
  /** The contacts: only to the person and administrators (left out for anyone else). */
  email?: string | null;
  mobile?: string | null;
  wecomUserId?: string | null;
  dingtalkUserId?: string | null;

  /** `withContacts`: whether the reader sees the person's contacts (seesContactsOf). */
  static from(entity: UserEntity, withContacts: boolean): UserDto {
    const { id, username, displayName, roles, departmentId, active, mustChangePassword, createdAt } = entity;
    return { id, username, displayName, roles, departmentId, active, mustChangePassword, createdAt, ...(withContacts && ContactDto.from(entity)) };
  }
}

/** What an administrator may change about a user (its contacts too); the username and credentials are not among it. */
export class UpdateUserDto extends ContactFieldsDto {
  @MayBeLeftOut()
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  displayName?: string;

  /** Changing roles signs the user out everywhere. */
  @MayBeLeftOut()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(USER_ROLES, { each: true })
  roles?: Role[];

  /** null removes the department (not allowed for department staff and verifiers). */
  @IsOptional()
  @ValidateIf((_, value) => value !== null)
  @IsUUID()
  departmentId?: string | null;

  /** Disabling signs the user out everywhere, tablets included. */
  @MayBeLeftOut()
  @IsBoolean()
  disabled?: boolean;
}

export class PasswordResetDto {
  /** Shown once; the user must replace it at its next sign-in. */
  temporaryPassword: string;
}

export class ChangePasswordDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX_LENGTH)
  currentPassword: string;

  /** At least 12 characters, not containing the username, not a common password. */
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  newPassword: string;
}

export class TokensDto {
  /** Short-lived (JWT_EXPIRES_IN); send as `Authorization: Bearer …`. */
  accessToken: string;
  /** Exchanged at POST /auth/refresh for a new pair; each may be used once. */
  refreshToken: string;
}

/** The signed-in account, for the apps to shape themselves by (GET /me). */
export class MeDto extends UserDto {
  /** The department's name, for display; null without a department. */
  departmentName: string | null;
  /** Round types the account's department is lead office for. */
  leadOfficeFor: RoundType[];
  /** Set when a registered tablet signs in: it acts as this account, for inspector work only. */
  deviceId: string | null;
  /** The hospital's time zone (TIME_ZONE), in which the apps show times: a desk set to another zone still reads the wards' clock. */
  timeZone: string;
}

export class LoginResponseDto extends TokensDto {
  user: UserDto;
}

export class RefreshDto {
  @IsString()
  @Matches(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/, { message: 'refreshToken is not a refresh token' })
  refreshToken: string;
}

export class RegisterDeviceDto {
  /** How the team knows the tablet, e.g. "Ward round tablet 3". */
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  /** The inspector the tablet acts as. */
  @IsUUID()
  userId: string;
}

export class DeviceDto {
  id: string;
  name: string;
  userId: string;
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;

  static from(entity: DeviceEntity): DeviceDto {
    const { id, name, userId, createdBy, createdAt, revokedAt } = entity;
    return { id, name, userId, createdBy, createdAt, revokedAt };
  }
}

export class RegisteredDeviceDto extends DeviceDto {
  /** The tablet's bearer token, shown this once. */
  token: string;
}

export class ListDevicesQuery extends PageQuery {}

export const SORT_ORDERS = ['asc', 'desc'] as const;
export const USER_SORTS = ['username', 'displayName', 'createdAt'] as const;
export const DEPARTMENT_SORTS = ['code', 'name', 'createdAt'] as const;

export class ListUsersQuery extends PageQuery {
  /** Part of the username or the name, in any case. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  /** Only people holding this role. */
  @IsOptional()
  @IsIn(USER_ROLES)
  role?: Exclude<Role, 'system'>;

  @IsOptional()
  @IsUUID()
  departmentId?: string;

  /** The column the page is sorted by (the username by default). */
  @IsOptional()
  @IsIn(USER_SORTS)
  sort?: (typeof USER_SORTS)[number];

  @IsOptional()
  @IsIn(SORT_ORDERS)
  order?: (typeof SORT_ORDERS)[number];
}

export class ListDepartmentsQuery extends PageQuery {
  /** Part of the code or the name, in any case. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;

  @IsOptional()
  @IsIn(DEPARTMENT_KINDS)
  kind?: DepartmentKind;

  /** The column the page is sorted by (the code by default). */
  @IsOptional()
  @IsIn(DEPARTMENT_SORTS)
  sort?: (typeof DEPARTMENT_SORTS)[number];

  @IsOptional()
  @IsIn(SORT_ORDERS)
  order?: (typeof SORT_ORDERS)[number];
}
