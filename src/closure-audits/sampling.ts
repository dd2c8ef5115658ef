import { createHash } from 'node:crypto';

/** How a month's sample is drawn, recorded with each draw so anyone can draw it again and compare. */
export const SAMPLING_METHOD = 'the candidates ordered by SHA-256 of "<month>:<finding id>" (hex, ascending); the first <size> are drawn';

/**
 * Draws `size` findings from `candidates` for `month`. Random in effect (a hash orders them) yet
 * reproducible: the same month and candidates always give the same sample, so it can be checked.
 */
export function drawSample(month: string, candidates: string[], size: number): string[] {
  const rank = (id: string) => createHash('sha256').update(`${month}:${id}`).digest('hex');
  return candidates
    .map((id) => ({ id, rank: rank(id) }))
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0))
    .slice(0, size)
    .map(({ id }) => id);
}
