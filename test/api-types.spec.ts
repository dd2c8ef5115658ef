import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** The tablet app's API types are generated from the built service's OpenAPI document; a stale copy fails here. */
describe('the tablet app API types', () => {
  it('match the service as built', () => {
    const run = () =>
      execFileSync(process.execPath, [require.resolve('ts-node/dist/bin'), '--transpile-only', join(__dirname, '..', 'scripts', 'api-types.ts'), '--check'], {
        encoding: 'utf8',
        stdio: 'pipe',
      });
    expect(run).not.toThrow();
  });
});
