import { FindingContext, Notice, findingLight, findingStatus } from '../../workflows';
import { visibleFindings } from '../access/visibility';
import type { SubjectKind } from '../engine/workflow.engine';
import { FindingEntity } from './finding.entity';

/** The finding machine's marker actions and what each carries, carried out by the engine's effects. */
export type FindingEffects = {
  /** The files an event carries (evidence, a follow-up check's photos) become the finding's (src/attachments). */
  attachEvidence: undefined;
  /** Notifications and webhook deliveries (src/notifications). */
  notify: Notice;
  /** The round may complete, or reopen (src/round-findings). */
  findingSettled: undefined;
  findingReopened: undefined;
  /** The closure audit's records (src/closure-audits). */
  closureReviewed: undefined;
  selfAuditAllowed: undefined;
};

export const FINDING: SubjectKind<FindingEntity, FindingEffects> = {
  entityType: 'finding',
  entity: FindingEntity,
  visibleTo: visibleFindings,
  denormalise: (snapshot) => {
    const context = snapshot.context as FindingContext;
    const { state, timeliness, extension, receipt } = findingStatus(snapshot.value);
    return {
      state,
      timeliness,
      extension,
      receipt,
      light: findingLight(snapshot),
      overdue: timeliness === 'overdue' || timeliness === 'escalated',
      responsibleDepartmentId: context.responsibleDepartmentId,
      deadline: context.deadline ? new Date(context.deadline) : null,
      rejections: context.rejections,
      closedAt: context.closedAt ? new Date(context.closedAt) : null,
      responsiblePersonId: context.responsiblePersonId,
      committedDue: context.committedDue ? new Date(context.committedDue) : null,
      followUpDueOn: context.followUp?.dueOn ?? null,
      relapses: context.relapses,
    };
  },
};
