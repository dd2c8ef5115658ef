import * as argon2 from 'argon2';

export const hashPassword = (password: string): Promise<string> => argon2.hash(password, { type: argon2.argon2id });

export const verifyPassword = (hash: string, password: string): Promise<boolean> =>
  argon2.verify(hash, password).catch(() => false);

/** Verified against when the username is unknown, so both failures take the same time. */
export const UNKNOWN_USER_HASH = hashPassword('unknown-user-placeholder');
