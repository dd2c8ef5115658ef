import type { RoundContext, RoundPart, RoundType } from '../../workflows';
import { partOf } from '../../workflows';
import { InvalidInputException } from '../common/api-error';

/** The part whose checklist has the item: named by `roundType`, or the only part that has it. */
export function partWithItem(context: RoundContext, itemCode: string, roundType?: RoundType): RoundPart {
  if (roundType) {
    const part = partOf(context, roundType);
    if (!part) throw new InvalidInputException([{ field: 'roundType', reason: `must be one of this round's types: ${context.types.join(', ')}` }]);
    return part;
  }
  const parts = context.parts.filter((part) => part.checklist.items.some((item) => item.code === itemCode));
  if (parts.length === 1) return parts[0];
  if (parts.length === 0) throw new InvalidInputException([{ field: 'itemCode', reason: "is not an item of this round's checklists" }]);
  throw new InvalidInputException([{ field: 'roundType', reason: `is required: ${itemCode} is in the ${parts.map((p) => p.type).join(' and ')} checklists` }]);
}

/** A round's only type, which a finding logged in it need not repeat. */
export function onlyType(types: RoundType[]): RoundType {
  if (types.length === 1) return types[0];
  throw new InvalidInputException([{ field: 'roundType', reason: `is required for a joint round: one of ${types.join(', ')}` }]);
}
