import { runClient } from './backup-copy';

describe('runClient', () => {
  const url = 'postgres://backup:s3cret%2Fpass@127.0.0.1:5432/hospital';

  it('gives the program the password in its environment and the address without it', async () => {
    // The program checks what it was given and prints its address; 0 only when both are as they should be.
    const script = 'test "$PGPASSWORD" = "s3cret/pass" && test "$0" = "--dbname=postgres://backup@127.0.0.1:5432/hospital"';
    await expect(runClient('sh', ['-c', script], url)).resolves.toBeUndefined();
  });

  it('reports a failure by its exit code and what the program printed, never the command line that held the address', async () => {
    const failure = runClient('sh', ['-c', 'echo "could not connect" >&2; exit 3'], url);
    await expect(failure).rejects.toThrow('sh stopped (3): could not connect');
    await expect(failure).rejects.not.toThrow(/s3cret|dbname/);
  });
});
