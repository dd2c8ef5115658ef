import { initialTransition, transition } from 'xstate';
import { explore, stepDisagreements, untakenTransitions } from '../test/support/machine-coverage';
import { administrativeRound } from './administrative-round.machine';
import { integrityRound } from './integrity-round.machine';
import { partyBuildingRound } from './party-building-round.machine';
import { Actor, LoggedFinding, ROUND_STATES, RoundInput, SYSTEM_ACTOR, Snapshot, UnknownWorkflowError, decide, resolveWorkflow, restore, toStored } from './index';

const at = '2026-11-23T02:00:00.000Z';
const today = '2026-11-23';
const lead: Actor = { id: 'lead', roles: ['round_lead'], departmentId: null, leadOfficeFor: [] };
const member: Actor = { id: 'member', roles: ['inspector'], departmentId: null, leadOfficeFor: [] };
const stranger: Actor = { id: 'stranger', roles: ['inspector'], departmentId: null, leadOfficeFor: [] };
const otherLead: Actor = { id: 'other-lead', roles: ['round_lead'], departmentId: null, leadOfficeFor: [] };

const finding = (roundType: LoggedFinding['roundType'], department: LoggedFinding['responsibleDepartment']): LoggedFinding => ({
  id: 'f1',
  roundType,
  severity: 'minor',
  responsibleDepartment: department,
  title: 't',
  description: 'd',
  location: null,
});

const rounds = [
  { round: administrativeRound, type: 'administrative' },
  { round: partyBuildingRound, type: 'party_building' },
  { round: integrityRound, type: 'integrity' },
] as const;

describe.each(rounds)('$round.machine.id', ({ round, type }) => {
  const input: RoundInput = { types: [type], departmentId: 'visited', leadId: 'lead', teamMemberIds: ['member'] };
  const events = [
    { type: 'START', actor: lead, at, today },
    { type: 'SUBMIT', actor: lead, at, today },
    { type: 'CANCEL', actor: lead, at, today, reason: 'ward closed' },
    { type: 'LOG_FINDING', actor: member, at, today, finding: finding(type, { id: 'visited', kind: 'clinical' }) },
    { type: 'COMPLETE', actor: SYSTEM_ACTOR, at, today, openFindings: 0 },
    { type: 'FINDING_REOPENED', actor: SYSTEM_ACTOR, at, today },
  ];
  const { paths, steps } = explore(round.machine, input, () => events as never);

  it('reaches every state and takes every transition', () => {
    expect(new Set(paths.map((p) => p.state.value))).toEqual(new Set(ROUND_STATES));
    expect(untakenTransitions(round.machine, steps)).toEqual([]);
  });

  it("takes the same steps, marker actions included, through the engine's step() as through xstate's transition()", () => {
    expect(steps.some((s) => s.actions.length > 0)).toBe(true);
    expect(stepDisagreements(resolveWorkflow(round.machine.id, 1), steps)).toEqual([]);
  });

  it('restores every reached snapshot from JSON', () => {
    const workflow = resolveWorkflow(round.machine.id, 1);
    for (const path of paths) {
      const restored = restore(workflow, JSON.parse(JSON.stringify(toStored(path.state as Snapshot))));
      expect(restored.value).toEqual(path.state.value);
      expect(restored.context).toEqual(path.state.context);
      for (const event of events) expect(restored.can(event as never)).toBe(path.state.can(event as never));
    }
  });

  it('lets only the lead start, submit and cancel, and only the team log findings', () => {
    const workflow = resolveWorkflow(round.machine.id, 1);
    const [planned] = initialTransition(round.machine, input);
    const [inProgress] = transition(round.machine, planned, events[0] as never);
    const verdict = (snapshot: Snapshot, event: object) => decide(workflow, snapshot, { at, today, ...event } as never).verdict;
    expect(verdict(planned as Snapshot, { type: 'START', actor: otherLead })).toBe('forbidden');
    expect(verdict(planned as Snapshot, { type: 'START', actor: member })).toBe('forbidden');
    expect(verdict(inProgress as Snapshot, { type: 'SUBMIT', actor: member })).toBe('forbidden');
    expect(verdict(inProgress as Snapshot, { type: 'LOG_FINDING', actor: stranger, finding: finding(type, { id: 'visited', kind: 'clinical' }) })).toBe('forbidden');
    expect(verdict(inProgress as Snapshot, { type: 'LOG_FINDING', actor: lead, finding: finding(type, { id: 'visited', kind: 'clinical' }) })).toBe('accepted');
    expect(verdict(inProgress as Snapshot, { type: 'COMPLETE', actor: lead, openFindings: 0 })).toBe('not_now');
    expect(verdict(planned as Snapshot, { type: 'LOG_FINDING', actor: member, finding: finding(type, { id: 'visited', kind: 'clinical' }) })).toBe('not_now');
  });

  it('refuses a finding of another round type, naming the field', () => {
    const workflow = resolveWorkflow(round.machine.id, 1);
    const [inProgress] = transition(round.machine, initialTransition(round.machine, input)[0], events[0] as never);
    const otherType = type === 'integrity' ? 'administrative' : 'integrity';
    const decision = decide(workflow, inProgress as Snapshot, { ...events[3], finding: finding(otherType, { id: 'visited', kind: 'clinical' }) } as never);
    expect(decision).toEqual({ verdict: 'invalid', problems: [{ field: 'roundType', reason: `must be one of this round's types: ${type}` }] });
  });

  it('applies its own rule for which departments its findings may name', () => {
    const workflow = resolveWorkflow(round.machine.id, 1);
    const [inProgress] = transition(round.machine, initialTransition(round.machine, input)[0], events[0] as never);
    const to = (department: LoggedFinding['responsibleDepartment']) =>
      decide(workflow, inProgress as Snapshot, { ...events[3], finding: finding(type, department) } as never).verdict;
    expect(to({ id: 'other-ward', kind: 'clinical' })).toBe('invalid');
    expect(to({ id: 'logistics', kind: 'functional' })).toBe(type === 'party_building' ? 'invalid' : 'accepted');
  });
});

describe('registry', () => {
  it('refuses to restore a snapshot of a machine version it does not know, naming what it knows', () => {
    expect(() => resolveWorkflow('finding', 2)).toThrow(UnknownWorkflowError);
    expect(() => resolveWorkflow('finding', 2)).toThrow(/No workflow "finding" at version 2 is known .*known: .*finding@1/);
    expect(() => resolveWorkflow('golf-round', 1)).toThrow(UnknownWorkflowError);
  });
});
