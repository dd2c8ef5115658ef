import { createHash, randomBytes } from 'node:crypto';

/** Marks a tablet's device token, so the guard tells it from a person's access token without trying both. */
export const DEVICE_TOKEN_PREFIX = 'trd_';

/** A secret with 256 bits of randomness, URL-safe. */
export const newSecret = (): string => randomBytes(32).toString('base64url');

/** Tokens are stored only as this hash: a leaked table signs nobody in. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
