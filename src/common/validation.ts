import { ValidationError, ValidationPipe } from '@nestjs/common';
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

export const validationExceptionFactory = (errors: ValidationError[]) => new InvalidInputException(toProblems(errors));

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({ ...VALIDATION_OPTIONS, exceptionFactory: validationExceptionFactory });
}
