import { Injectable, PipeTransform, Type, applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { IsIn, validate } from 'class-validator';
import { InvalidInputException } from './api-error';
import { VALIDATION_OPTIONS, toProblems } from './validation';

/**
 * An event DTO's `type`, exactly `type`. Declared for the OpenAPI document by hand: the Swagger
 * plugin's metadata file (SWC builds, the fuzz test) reads neither a literal type nor a class made
 * inside a function.
 */
export const EventType = (type: string) => applyDecorators(ApiProperty({ enum: [type] }), IsIn([type]));

/** Picks the DTO by the body's `type` and validates it: one DTO per event type. */
@Injectable()
export class EventBodyPipe implements PipeTransform {
  constructor(private readonly dtoByType: Record<string, Type<object>>) {}

  async transform(body: unknown): Promise<object> {
    const types = Object.keys(this.dtoByType);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new InvalidInputException([{ field: 'body', reason: 'must be a JSON object with a "type"' }]);
    }
    const type = (body as { type?: unknown }).type;
    const dto = typeof type === 'string' && Object.hasOwn(this.dtoByType, type) ? this.dtoByType[type] : undefined;
    if (!dto) throw new InvalidInputException([{ field: 'type', reason: `must be one of ${types.join(', ')}` }]);
    const instance = plainToInstance(dto, body);
    const errors = await validate(instance, VALIDATION_OPTIONS);
    if (errors.length > 0) throw new InvalidInputException(toProblems(errors));
    return instance;
  }
}
