import type { ChecklistRef, ItemResult, RecordedResult } from './checklist';
import type { DepartmentKind, EvidenceFile, RoundType, Severity, WorkflowEvent } from './vocabulary';

/**
 * A round is one visit to a department, inspecting it against one checklist per round type:
 * planned → in_progress → submitted → completed, or cancelled before submission. While in progress,
 * each type is a part (a parallel region) with its own lead, team, checklist and results; the round
 * is submitted when every part is. A joint round (联动查房) is simply a round with several parts.
 */
export interface RoundPart {
  type: RoundType;
  leadId: string;
  teamMemberIds: string[];
  checklist: ChecklistRef;
  /** By item code. */
  results: Record<string, RecordedResult>;
}

export interface RoundContext {
  types: RoundType[];
  departmentId: string;
  /** Plans, starts and cancels the whole visit. */
  leadId: string;
  teamMemberIds: string[];
  findingsLogged: number;
  parts: RoundPart[];
}

export interface RoundInput extends Omit<RoundContext, 'findingsLogged' | 'parts'> {
  parts: Omit<RoundPart, 'results'>[];
}

/** A finding as the inspector logs it; the engine creates it when the round accepts the event. */
export interface LoggedFinding {
  id: string;
  roundType: RoundType;
  severity: Severity;
  /** `inVisitedBranch`: another department of the visited department's Party branch, when the finding was logged. */
  responsibleDepartment: { id: string; kind: DepartmentKind; inVisitedBranch?: true };
  title: string;
  description: string;
  location: string | null;
  /** The checklist item whose failure raised it. */
  checklistItemCode: string | null;
  /** Photos taken when it was found. */
  photos?: EvidenceFile[];
  /** The person answerable in the responsible department (责任人), if named. */
  responsiblePersonId?: string | null;
}

export type RoundEvent =
  | WorkflowEvent<'START'>
  /** Submits one part; `roundType` may be left out when the round has one. */
  | WorkflowEvent<'SUBMIT', { roundType?: RoundType }>
  | WorkflowEvent<'CANCEL', { reason: string }>
  | WorkflowEvent<'LOG_FINDING', { finding: LoggedFinding }>
  | WorkflowEvent<
      'RECORD_RESULT',
      { roundType: RoundType; itemCode: string; result: ItemResult; deduction?: number; note?: string | null; finding?: LoggedFinding }
    >
  /** Sent by the service when the last open finding of a submitted round settles. */
  | WorkflowEvent<'COMPLETE', { openFindings: number }>
  /** Sent by the service when a finding of a completed round is reopened. */
  | WorkflowEvent<'FINDING_REOPENED'>;

export const ROUND_STATES = ['planned', 'in_progress', 'submitted', 'completed', 'cancelled'] as const;
export type RoundState = (typeof ROUND_STATES)[number];

export const PART_STATES = ['planned', 'inspecting', 'submitted', 'completed', 'cancelled'] as const;
export type PartState = (typeof PART_STATES)[number];
