import { readFileSync } from 'node:fs';
import { DIAGRAMS_PAGE, withDiagrams } from '../scripts/diagrams';

describe('docs/machines.md', () => {
  it('shows the diagrams the machines draw today (run `npm run diagrams` after changing a machine)', () => {
    const page = readFileSync(DIAGRAMS_PAGE, 'utf8');
    expect(page).toBe(withDiagrams(page));
  });
});
