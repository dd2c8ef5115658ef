import type { SubjectKind } from '../engine/workflow.engine';
import { RoundEntity } from './round.entity';

export const ROUND: SubjectKind<RoundEntity> = {
  entityType: 'round',
  entity: RoundEntity,
  denormalise: (snapshot) => ({ state: snapshot.value as string }),
};
