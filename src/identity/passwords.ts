import * as argon2 from 'argon2';

export const hashPassword = (password: string): Promise<string> => argon2.hash(password, { type: argon2.argon2id });

export const verifyPassword = (hash: string, password: string): Promise<boolean> =>
  argon2.verify(hash, password).catch(() => false);

/** Verified against when the username is unknown, so both failures take the same time. */
export const UNKNOWN_USER_HASH = hashPassword('unknown-user-placeholder');

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/**
 * Passwords people pick first, including the hospital's own obvious ones; compared case-insensitively.
 * Short ones are already refused by the length rule, so only those of 12 characters or more matter.
 */
const COMMON_PASSWORDS = new Set([
  '123456789012', '1234567890123', '12345678901234', '123123123123', '111111111111', '000000000000',
  'qwertyuiopas', 'qwerty123456', '1q2w3e4r5t6y', '1qaz2wsx3edc', 'qazwsxedcrfv', 'zaq12wsxcde3',
  'password1234', 'password12345', 'password123!', 'passw0rd1234', 'p@ssw0rd1234', 'p@ssword1234',
  'administrator', 'admin1234567', 'admin@123456', 'welcome12345', 'welcome@1234', 'changeme1234',
  'letmein12345', 'iloveyou1234', 'abcdefghijkl', 'abcd12345678', 'abc123456789', 'aa1234567890',
  'hospital1234', 'hospital@123', 'hospital2026', 'doctor123456', 'nurse1234567', 'woaini123456',
  'woaini1314520', '5201314520131', 'a12345678910', 'qwe123456789', 'asdfghjkl123', 'zxcvbnm12345',
]);

/** Why `password` may not be used by `username`, or null when it may. */
export function passwordProblem(password: string, username: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  if (password.toLowerCase().includes(username.toLowerCase())) return 'must not contain the username';
  if (COMMON_PASSWORDS.has(password.toLowerCase())) return 'is too common; choose a passphrase of your own';
  return null;
}
