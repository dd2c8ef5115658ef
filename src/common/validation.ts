import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidateBy, ValidateIf, isEmail } from 'class-validator';
import type { PayloadProblem } from '../../workflows';
import { InvalidInputException } from './api-error';

export const VALIDATION_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  stopAtFirstError: false,
} as const;

/** Flattens class-validator's tree into `{ field: 'a.b[0]', reason }` entries. */
export function toProblems(errors: ValidationError[], parent = ''): PayloadProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? (/^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`) : error.property;
    const own = Object.values(error.constraints ?? {}).map((reason) => ({ field, reason: withoutPropertyName(reason, error.property) }));
    return [...own, ...toProblems(error.children ?? [], field)];
  });
}

/**
 * class-validator starts its messages with the property name; the field says that already. The
 * name is client text (an unknown key), so it is compared as a string, never made a pattern.
 */
function withoutPropertyName(reason: string, property: string): string {
  const unknown = `property ${property} `;
  if (reason.startsWith(unknown)) return reason.slice(unknown.length);
  if (reason.startsWith(`${property} `)) return reason.slice(property.length + 1);
  const each = `each value in ${property} `;
  if (reason.startsWith(each)) return `each value ${reason.slice(each.length)}`;
  return reason;
}

export const validationExceptionFactory = (errors: ValidationError[], under = '') => new InvalidInputException(toProblems(errors, under));

/**
 * Validates bodies, query strings and path parameters against their DTOs, after refusing text with
 * U+0000 anywhere in it: PostgreSQL cannot store that character, and no field has a use for it.
 */
class InputValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // Client input only: a custom decorator's value (the caller, the If-Match version) is the service's own.
    const field = metadata.type === 'custom' ? null : fieldWithNul(value, metadata.data ?? '');
    if (field !== null) throw new InvalidInputException([{ field: field || 'body', reason: 'must not contain the character U+0000' }]);
    return super.transform(value, metadata);
  }
}

/** The first field (`a.b[0]`, as toProblems names them) whose text holds U+0000, or null; walked without recursion. */
function fieldWithNul(value: unknown, root: string): string | null {
  const pending: [unknown, string][] = [[value, root]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [inner, field] = next;
    if (typeof inner === 'string' && inner.includes('\u0000')) return field;
    if (Array.isArray(inner)) inner.forEach((item, i) => pending.push([item, `${field}[${i}]`]));
    else if (typeof inner === 'object' && inner !== null) for (const [key, item] of Object.entries(inner)) pending.push([item, field ? `${field}.${key}` : key]);
  }
  return null;
}

/** `under`: where in the body the validated value sits (`event`), so that a 400 names the field from the body's top. */
export function createValidationPipe(under = ''): ValidationPipe {
  return new InputValidationPipe({ ...VALIDATION_OPTIONS, exceptionFactory: (errors) => validationExceptionFactory(errors, under) });
}

/**
 * A field a request may leave out but, when it gives it, may not set to null (unlike `@IsOptional()`,
 * which lets null through to a column that cannot hold it): what PATCH bodies want.
 */
export const MayBeLeftOut = () => ValidateIf((_, value) => value !== undefined);

/** What validator.js's isEmail is asked: ASCII, no quoted local part, a domain with a TLD. */
const MAILBOX = { allow_utf8_local_part: false, allow_display_name: false, allow_ip_domain: false, require_tld: true, blacklisted_chars: '"\\\\' };

/**
 * An address a mail server takes as one mailbox: ASCII, no quoted local part (which may hide
 * commas, angle brackets or line breaks that reach SMTP's commands), a domain with a TLD. Text
 * with a lone surrogate is refused first: isEmail measures bytes with encodeURI, which throws on it.
 */
export const IsMailbox = (field: string) =>
  ValidateBy({
    name: 'isMailbox',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && !/\p{Cs}/u.test(value) && isEmail(value, MAILBOX),
      defaultMessage: () => `${field} must be an e-mail address`,
    },
  });
