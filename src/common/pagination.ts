import { Type as Class, applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Paging of every list; declared for the OpenAPI document by hand, as the Swagger plugin reads only `*.dto.ts` files. */
export class PageQuery {
  @ApiPropertyOptional({ description: 'At most 500.', default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit: number = 50;

  // IsInt takes 1e308 (an integer, to JavaScript), which the databases refuse as an OFFSET.
  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: Number.MAX_SAFE_INTEGER })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  offset: number = 0;
}

export class Page<T> {
  @ApiProperty({ isArray: true })
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export const page = <T>(items: T[], total: number, query: PageQuery): Page<T> => ({
  items,
  total,
  limit: query.limit,
  offset: query.offset,
});

/** Declares a list route's answer as a page of `item`: the Swagger plugin cannot see through the generic `Page<T>`. */
export const ApiPage = (item: Class<unknown>) =>
  applyDecorators(
    ApiExtraModels(item),
    ApiOkResponse({
      schema: {
        type: 'object',
        required: ['items', 'total', 'limit', 'offset'],
        properties: {
          items: { type: 'array', items: { $ref: getSchemaPath(item) } },
          total: { type: 'integer' },
          limit: { type: 'integer' },
          offset: { type: 'integer' },
        },
      },
    }),
  );

/**
 * A LIKE pattern, for `LOWER(column) LIKE :pattern ESCAPE '\'`, of text containing `part` in any case;
 * the part's own `%`, `_` and backslash are taken as written.
 */
export const containing = (part: string): string => `%${part.toLowerCase().replace(/[\\%_]/g, (special) => `\\${special}`)}%`;
