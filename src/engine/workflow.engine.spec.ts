import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import type { Database } from '../database/database';
import { FINDING } from '../findings/finding.kind';
import { Metrics } from '../metrics/metrics';
import { ROUND } from '../rounds/round.kind';
import { WorkflowEngine } from './workflow.engine';

/** The engine's effects tables, checked when the service starts: nothing the machines ask for is left undone. */
describe('WorkflowEngine effects', () => {
  const config = AppConfig.fromEnvironment({});
  const engine = () => new WorkflowEngine({} as Database, new Clock(config), config, {} as Metrics);
  const nothing = async () => {};
  const everyRoundEffect = { createFinding: nothing, assignReportedFindings: nothing, withdrawOpenFindings: nothing, completeIfSettled: nothing };
  const everyFindingEffect = { attachEvidence: nothing, notify: nothing, findingSettled: nothing, findingReopened: nothing, closureReviewed: nothing, selfAuditAllowed: nothing };

  it('starts when every marker action of every machine has its effect, declared from several places', () => {
    const complete = engine();
    complete.effects(ROUND, everyRoundEffect);
    const { notify, ...rest } = everyFindingEffect;
    complete.effects(FINDING, { notify });
    complete.effects(FINDING, rest);
    expect(() => complete.onApplicationBootstrap()).not.toThrow();
  });

  it('refuses to start while a machine names a marker action nothing carries out', () => {
    const missing = engine();
    missing.effects(ROUND, everyRoundEffect);
    const { attachEvidence: _attach, ...rest } = everyFindingEffect;
    missing.effects(FINDING, rest);
    expect(() => missing.onApplicationBootstrap()).toThrow('the finding action "attachEvidence" has no effect declared');
  });

  it('refuses an effect declared twice, and one no machine names', () => {
    const twice = engine();
    twice.effects(FINDING, { notify: nothing });
    expect(() => twice.effects(FINDING, { notify: nothing })).toThrow('The finding action "notify" has two effects declared');

    const stray = engine();
    stray.effects(ROUND, { ...everyRoundEffect, notify: nothing } as typeof everyRoundEffect);
    stray.effects(FINDING, everyFindingEffect);
    expect(() => stray.onApplicationBootstrap()).toThrow('an effect is declared for "notify", which no round machine names');
  });

  it('takes one preparer per kind', () => {
    const prepared = engine();
    prepared.prepare(ROUND, async (_manager, _auth, _row, body) => ({ ...body }));
    expect(() => prepared.prepare(ROUND, async () => ({}))).toThrow('The round events have two preparers');
  });
});
