const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits, up to 30 s, until `done` holds: for work the code under test does in the background, whose
 * pace a loaded machine can slow many times over. The assertion after it says what was expected.
 */
export async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  for (let waited = 0; !(await done()) && waited < 30_000; waited += 100) await sleep(100);
}
