import { ExecutionContext, Param, ParseUUIDPipe, applyDecorators, createParamDecorator } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { InvalidInputException } from './api-error';

/** A path id that must be a UUID; anything else is a 400 naming the parameter. */
export const UuidParam = (name = 'id') =>
  Param(
    name,
    new ParseUUIDPipe({ exceptionFactory: () => new InvalidInputException([{ field: name, reason: 'must be a UUID' }]) }),
  );

/** `If-Match: <version>` (quoted or weak forms accepted) as a number, or undefined when absent. */
export const IfMatch = createParamDecorator((_: unknown, context: ExecutionContext): number | undefined => {
  const header = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers['if-match'];
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!match) throw new InvalidInputException([{ field: 'If-Match', reason: 'must be the version number, e.g. If-Match: 3' }]);
  return Number(match[1]);
});

/** An optional query flag: `true` or `false`, anything else a 400 naming it. */
export const QueryFlag = () =>
  applyDecorators(
    IsOptional(),
    Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)),
    IsBoolean({ message: '$property must be true or false' }),
  );
