import { and, not, or, setup } from 'xstate';
import { toMermaid } from './mermaid';

describe('toMermaid', () => {
  it('draws combined guards as what they do: & for and, | for or, ! for not, grouped where nested', () => {
    const machine = setup({ guards: { isLead: () => true, isSystem: () => true, isDiscipline: () => true } }).createMachine({
      initial: 'open',
      states: {
        open: {
          on: {
            WITHDRAW: { guard: or(['isLead', 'isSystem']), target: 'closed' },
            REOPEN: { guard: and(['isDiscipline', or(['isLead', not('isSystem')])]), target: 'closed' },
          },
        },
        closed: { type: 'final' },
      },
    });
    const drawn = toMermaid(machine);
    expect(drawn).toContain('_machine__open --> _machine__closed : WITHDRAW [isLead | isSystem]');
    expect(drawn).toContain('_machine__open --> _machine__closed : REOPEN [isDiscipline & (isLead | !isSystem)]');
  });
});
