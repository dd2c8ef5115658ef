/** Checklist results and the one scoring scale every round type shares (统一评价标准). */
export const ITEM_RESULTS = ['pass', 'fail', 'not_applicable'] as const;
export type ItemResult = (typeof ITEM_RESULTS)[number];

/** What a round needs of a checklist item to judge results: the rest (titles, standard text) stays in the template. */
export interface ChecklistItemRule {
  code: string;
  maxDeduction: number;
  /** A bottom-line item (底线标准): failing it vetoes the round (一票否决), whatever the score. */
  veto: boolean;
}

/** The checklist version a round part was started with; rounds keep it when a new version is published. */
export interface ChecklistRef {
  /** Null for rounds planned before checklists existed: they have no items and no score. */
  templateId: string | null;
  version: number;
  items: ChecklistItemRule[];
}

export interface RecordedResult {
  result: ItemResult;
  deduction: number;
  note: string | null;
  findingId: string | null;
  recordedBy: string;
  recordedAt: string;
}

export const FULL_SCORE = 100;

export interface Score {
  /** 100 minus deductions, floored at 0, one decimal; null when there is nothing to score. */
  score: number | null;
  vetoed: boolean;
}

const oneDecimal = (value: number): number => Math.round(value * 10) / 10;

export function checklistScore(checklist: ChecklistRef, results: Record<string, RecordedResult>): Score {
  if (checklist.items.length === 0) return { score: null, vetoed: false };
  let deductions = 0;
  let vetoed = false;
  for (const item of checklist.items) {
    const recorded = results[item.code];
    if (recorded?.result !== 'fail') continue;
    deductions += recorded.deduction;
    vetoed ||= item.veto;
  }
  return { score: oneDecimal(Math.max(0, FULL_SCORE - deductions)), vetoed };
}

/** A joint round's score is the mean of its parts' scores, so every round sits on the same 0–100 scale. */
export function combinedScore(parts: Score[]): Score {
  const scored = parts.filter((part) => part.score !== null).map((part) => part.score as number);
  return {
    score: scored.length === 0 ? null : oneDecimal(scored.reduce((sum, score) => sum + score, 0) / scored.length),
    vetoed: parts.some((part) => part.vetoed),
  };
}

export function missingItems(checklist: ChecklistRef, results: Record<string, RecordedResult>): string[] {
  return checklist.items.filter((item) => results[item.code] === undefined).map((item) => item.code);
}

/** Deductions are in steps of 0.5 points, as hospital standards write them. */
export const isDeductionStep = (value: number): boolean => Number.isFinite(value) && Math.round(value * 2) === value * 2;

/** The points a result takes off: a failed item its deduction (the item's maximum when none is given), any other none. */
export function deductionOf(item: ChecklistItemRule | undefined, result: ItemResult, deduction: number | undefined): number {
  return result === 'fail' ? (deduction ?? item?.maxDeduction ?? 0) : 0;
}
