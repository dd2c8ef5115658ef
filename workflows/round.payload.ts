import { isDeductionStep } from './checklist';
import { ROUND_TYPE_RULES } from './round-types';
import type { LoggedFinding, RoundContext, RoundEvent, RoundPart } from './round.types';
import type { PayloadProblem, RoundType } from './vocabulary';

/** The round's part of this type, if it has one. */
export const partOf = (context: Pick<RoundContext, 'parts'>, type: RoundType | undefined): RoundPart | undefined =>
  context.parts.find((part) => part.type === type);

/** The part an event is about: the finding's type, the result's type, or the only part. */
export function addressedPart(context: RoundContext, event: RoundEvent): RoundType | undefined {
  switch (event.type) {
    case 'LOG_FINDING':
      return event.finding?.roundType;
    case 'RECORD_RESULT':
      return event.roundType;
    case 'SUBMIT':
      return event.roundType ?? (context.types.length === 1 ? context.types[0] : undefined);
    default:
      return undefined;
  }
}

/**
 * Rules that compare a payload with the round's data (its types, checklists and department).
 * The machine's guards use them, and the engine uses them to answer 400 with the field.
 */
export function roundPayloadProblems(context: RoundContext, event: RoundEvent): PayloadProblem[] {
  const problems: PayloadProblem[] = [];
  const type = addressedPart(context, event);
  const part = partOf(context, type);
  const typeProblem = (field: string) =>
    part ? [] : [{ field, reason: `must be one of this round's types: ${context.types.join(', ')}` }];
  const findingProblems = (finding: LoggedFinding | undefined, prefix: string): PayloadProblem[] => {
    const rules = finding && ROUND_TYPE_RULES[finding.roundType];
    return rules && !rules.mayTarget(context, finding.responsibleDepartment)
      ? [{ field: `${prefix}responsibleDepartmentId`, reason: rules.targetRule }]
      : [];
  };
  switch (event.type) {
    case 'LOG_FINDING':
      if (event.finding === undefined) break;
      problems.push(...typeProblem('roundType'), ...findingProblems(event.finding, ''));
      break;
    case 'SUBMIT':
      if (type === undefined) {
        problems.push({ field: 'roundType', reason: `is required for a joint round: one of ${context.types.join(', ')}` });
      } else problems.push(...typeProblem('roundType'));
      break;
    case 'RECORD_RESULT': {
      problems.push(...typeProblem('roundType'));
      const item = part?.checklist.items.find((i) => i.code === event.itemCode);
      if (part && !item) {
        problems.push({ field: 'itemCode', reason: `is not an item of the ${part.type} checklist (version ${part.checklist.version})` });
      }
      if (event.deduction !== undefined) {
        if (event.result !== 'fail' && event.deduction !== 0) {
          problems.push({ field: 'deduction', reason: 'must be 0 unless the result is fail' });
        } else if (item && (event.deduction < 0 || event.deduction > item.maxDeduction || !isDeductionStep(event.deduction))) {
          problems.push({ field: 'deduction', reason: `must be between 0 and ${item.maxDeduction} (the item's maximum), in steps of 0.5` });
        }
      }
      if (event.finding !== undefined) {
        if (event.result !== 'fail') problems.push({ field: 'raiseFinding', reason: 'only a failed item raises a finding' });
        problems.push(...findingProblems(event.finding, 'raiseFinding.'));
      }
      break;
    }
  }
  return problems;
}
