import { RoundContext, roundScore, roundStatus } from '../../workflows';
import { visibleRounds } from '../access/visibility';
import type { SubjectKind } from '../engine/workflow.engine';
import { RoundEntity } from './round.entity';

/** The round machines' marker actions, carried out by the engine's effects (src/round-findings). */
export type RoundEffects = {
  createFinding: undefined;
  assignReportedFindings: undefined;
  withdrawOpenFindings: undefined;
  completeIfSettled: undefined;
};

export const ROUND: SubjectKind<RoundEntity, RoundEffects> = {
  entityType: 'round',
  entity: RoundEntity,
  visibleTo: visibleRounds,
  denormalise: (snapshot) => {
    const context = snapshot.context as RoundContext;
    const { score, vetoed } = roundScore(context);
    const participants = context.parts.flatMap((part) =>
      [context.leadId, part.leadId, ...part.teamMemberIds].map((userId) => `${part.type}:${userId}`),
    );
    return { state: roundStatus(snapshot.value).state, score, vetoed, participantIds: [...new Set(participants)] };
  },
};
