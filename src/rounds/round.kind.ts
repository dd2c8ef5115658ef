import { RoundContext, roundScore, roundStatus } from '../../workflows';
import type { SubjectKind } from '../engine/workflow.engine';
import { RoundEntity } from './round.entity';

export const ROUND: SubjectKind<RoundEntity> = {
  entityType: 'round',
  entity: RoundEntity,
  denormalise: (snapshot) => {
    const context = snapshot.context as RoundContext;
    const { score, vetoed } = roundScore(context);
    const participants = context.parts.flatMap((part) =>
      [context.leadId, part.leadId, ...part.teamMemberIds].map((userId) => `${part.type}:${userId}`),
    );
    return { state: roundStatus(snapshot.value).state, score, vetoed, participantIds: [...new Set(participants)] };
  },
};
