import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withDiagrams } from '../scripts/diagrams';

describe('README', () => {
  it('shows the diagrams the machines draw today (run `npm run diagrams` after changing a machine)', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toBe(withDiagrams(readme));
  });
});
