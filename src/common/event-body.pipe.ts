import { Injectable, PipeTransform, Type, ValidationPipe, applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { InvalidInputException } from './api-error';
import { createValidationPipe } from './validation';

/**
 * An event DTO's `type`, exactly `type`. Declared for the OpenAPI document by hand: the Swagger
 * plugin's metadata file (SWC builds, the fuzz test) reads neither a literal type nor a class made
 * inside a function.
 */
export const EventType = (type: string) => applyDecorators(ApiProperty({ enum: [type] }), IsIn([type]));

/**
 * Picks the DTO by the body's `type` and validates it as every other body is (the same pipe, which
 * also drops `constructor` and `__proto__` keys class-transformer would trip on): one DTO per event type.
 * `at` names where the event sits when it is part of a body (`@Body('event', …)`), so a 400 names
 * `event.reason`, not `reason`.
 */
@Injectable()
export class EventBodyPipe implements PipeTransform {
  private readonly validation: ValidationPipe;

  constructor(
    private readonly dtoByType: Record<string, Type<object>>,
    private readonly at?: string,
  ) {
    this.validation = createValidationPipe(at);
  }

  async transform(body: unknown): Promise<object> {
    const types = Object.keys(this.dtoByType);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new InvalidInputException([{ field: this.at ?? 'body', reason: 'must be a JSON object with a "type"' }]);
    }
    const type = (body as { type?: unknown }).type;
    const dto = typeof type === 'string' && Object.hasOwn(this.dtoByType, type) ? this.dtoByType[type] : undefined;
    if (!dto) throw new InvalidInputException([{ field: this.at ? `${this.at}.type` : 'type', reason: `must be one of ${types.join(', ')}` }]);
    return this.validation.transform(body, { type: 'body', metatype: dto, data: this.at }) as Promise<object>;
  }
}
