import { createRoundMachine } from './round.machine';

/** 行政查房: findings go to the visited department or to a functional one (行政服务临床). */
export const administrativeRound = createRoundMachine({
  id: 'administrative-round',
  type: 'administrative',
  mayTarget: (round, department) => department.id === round.departmentId || department.kind === 'functional',
  targetRule: 'must be the visited department or a functional department',
});
