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
    // class-validator starts its messages with the property name; the field says that already.
    const own = Object.values(error.constraints ?? {}).map((reason) => ({
      field,
      reason: reason.replace(/^property \S+ /, '').replace(new RegExp(`^(each value in )?${error.property} `), (_, each) => (each ? 'each value ' : '')),
    }));
    return [...own, ...toProblems(error.children ?? [], field)];
  });
}

export const validationExceptionFactory = (errors: ValidationError[]) => new InvalidInputException(toProblems(errors));

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({ ...VALIDATION_OPTIONS, exceptionFactory: validationExceptionFactory });
}
