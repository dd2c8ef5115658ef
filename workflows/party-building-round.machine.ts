import { createRoundMachine } from './round.machine';

/** 党建查房: the round checks the visited department's Party branch, so its findings stay there. */
export const partyBuildingRound = createRoundMachine({
  id: 'party-building-round',
  type: 'party_building',
  mayTarget: (round, department) => department.id === round.departmentId,
  targetRule: "must be the visited department (its Party branch is what the round checks)",
});
