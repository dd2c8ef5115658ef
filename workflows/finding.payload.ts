import { addDays, deadlineIn } from './calendar';
import { isResponsibleStaff } from './finding.refusals';
import type { FindingContext, FindingEvent } from './finding.types';
import type { PayloadProblem } from './vocabulary';

/**
 * Rules that compare a payload with the finding's data (dates against the deadline and so on).
 * The machine's guards use them, and the engine uses them to answer 400 with the field.
 * Missing fields are not judged here: the DTOs require them.
 */
export function findingPayloadProblems(context: FindingContext, event: FindingEvent): PayloadProblem[] {
  const problems: PayloadProblem[] = [];
  const deadline = context.deadline;
  const laterThanDeadline = (field: string, value: string | undefined) => {
    if (deadline !== null && value !== undefined && Date.parse(deadlineIn(value, event.timeZone)) <= Date.parse(deadline)) {
      problems.push({ field, reason: `must be later than the deadline (${deadline})` });
    }
  };
  switch (event.type) {
    case 'ASSIGN':
      if (event.deadline !== undefined && Date.parse(deadlineIn(event.deadline, event.timeZone)) <= Date.parse(event.at)) {
        problems.push({ field: 'deadline', reason: `must be later than now (${event.at})` });
      }
      // A department assigning its own report to itself may shorten its time, never lengthen it: that is the lead office's to grant.
      if (event.deadline !== undefined && isResponsibleStaff(context, event.actor) && context.source === 'self_inspection') {
        const latest = deadlineIn(addDays(event.today, context.defaultDeadlineDays), event.timeZone);
        if (Date.parse(deadlineIn(event.deadline, event.timeZone)) > Date.parse(latest)) {
          problems.push({ field: 'deadline', reason: `must not be later than a ${context.severity} finding's ${context.defaultDeadlineDays} days (${latest}) on a department's own report` });
        }
      }
      break;
    case 'REASSIGN':
      if (event.departmentId === context.responsibleDepartmentId) {
        problems.push({ field: 'departmentId', reason: 'is already the responsible department' });
      }
      break;
    case 'SUBMIT_PLAN':
      // A deadline is written with its zone's offset: its first ten characters are its calendar date there.
      if (deadline !== null && event.committedDate !== undefined && event.committedDate > deadline.slice(0, 10)) {
        problems.push({ field: 'committedDate', reason: `must not be after the deadline (${deadline})` });
      }
      // A commitment looks ahead; only a finding already past its deadline has no day left between today and it.
      if (event.committedDate !== undefined && event.committedDate < event.today && (deadline === null || deadline.slice(0, 10) >= event.today)) {
        problems.push({ field: 'committedDate', reason: `must not be before today (${event.today})` });
      }
      break;
    case 'SCHEDULE_FOLLOW_UP':
      if (event.dueOn !== undefined && event.dueOn < event.today) problems.push({ field: 'dueOn', reason: `must not be before today (${event.today})` });
      break;
    case 'SET_DEADLINE':
    case 'FOLLOW_UP_FAILED':
      if (event.deadline !== undefined && Date.parse(deadlineIn(event.deadline, event.timeZone)) <= Date.parse(event.at)) {
        problems.push({ field: 'deadline', reason: `must be later than now (${event.at})` });
      }
      break;
    case 'SUBMIT_EVIDENCE':
      if ((event.attachments?.length ?? 0) < context.evidenceRequired) {
        problems.push({
          field: 'attachmentIds',
          reason: `a ${context.severity} finding needs at least ${context.evidenceRequired} attachment(s) as evidence (rule EVIDENCE_REQUIRED)`,
        });
      }
      break;
    case 'REQUEST_EXTENSION':
      laterThanDeadline('proposedDeadline', event.proposedDeadline);
      break;
    case 'APPROVE_EXTENSION':
      laterThanDeadline('deadline', event.deadline);
      break;
  }
  return problems;
}
