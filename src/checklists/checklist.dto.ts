import { applyDecorators } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { ROUND_TYPES, type RoundType } from '../../workflows';
import { ChecklistItem, ChecklistTemplateEntity } from './checklist-template.entity';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/**
 * Points, to one decimal place. class-validator's own `maxDecimalPlaces` throws on a number that
 * prints with an exponent (5e-324), so the decimals are read here from the text, which then fails.
 */
export const IsPoints = () =>
  applyDecorators(
    IsNumber({ allowNaN: false, allowInfinity: false }),
    ValidateBy({
      name: 'isPoints',
      validator: {
        validate: (value: unknown) => typeof value !== 'number' || /^-?\d+(\.\d)?$/.test(String(value)),
        defaultMessage: () => '$property must have at most one decimal place',
      },
    }),
  );

export class ChecklistItemDto implements ChecklistItem {
  @Matches(/^[A-Z0-9][A-Z0-9-]{0,31}$/, { message: 'code must be 1-32 capital letters, digits or "-"' })
  code: string;

  /** In Chinese, as printed on the hospital's forms. */
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title: string;

  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  titleEn: string;

  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  category: string;

  /** What "pass" means. */
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  standard: string;

  /** Points deducted at most when the item fails, in steps of 0.5. */
  @IsPoints()
  @Min(0.5)
  @Max(100)
  maxDeduction: number;

  /** A bottom-line item (底线标准): failing it vetoes the round (一票否决). */
  @IsBoolean()
  veto: boolean;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  source: string | null;
}

export class PublishChecklistDto {
  @IsIn(ROUND_TYPES)
  roundType: RoundType;

  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => ChecklistItemDto)
  items: ChecklistItemDto[];
}

export class ListChecklistsQuery {
  @IsOptional()
  @IsIn(ROUND_TYPES)
  roundType?: RoundType;
}

export class ChecklistDto {
  id: string;
  roundType: RoundType;
  version: number;
  title: string;
  /** Whether new rounds of this type start with this version. */
  current: boolean;
  publishedBy: string;
  publishedAt: Date;
  items: ChecklistItemDto[];

  static from(template: ChecklistTemplateEntity, current: boolean): ChecklistDto {
    const { id, roundType, version, title, publishedBy, publishedAt, items } = template;
    return { id, roundType, version, title, current, publishedBy, publishedAt, items: items.map((item) => ({ ...item, source: item.source ?? null })) };
  }
}
