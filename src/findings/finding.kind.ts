import { FindingContext, findingStatus } from '../../workflows';
import type { SubjectKind } from '../engine/workflow.engine';
import { FindingEntity } from './finding.entity';

export const FINDING: SubjectKind<FindingEntity> = {
  entityType: 'finding',
  entity: FindingEntity,
  denormalise: (snapshot) => {
    const context = snapshot.context as FindingContext;
    const { state, timeliness, extension } = findingStatus(snapshot.value);
    return {
      state,
      timeliness,
      extension,
      overdue: timeliness === 'overdue' || timeliness === 'escalated',
      responsibleDepartmentId: context.responsibleDepartmentId,
      deadline: context.deadline ? new Date(context.deadline) : null,
      rejections: context.rejections,
      closedAt: context.closedAt ? new Date(context.closedAt) : null,
    };
  },
};
