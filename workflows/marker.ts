/** Tags the actions a machine names but does not carry out: the engine's effects. */
const MARKER = Symbol.for('triple-round.marker');

/**
 * A marker action: it does nothing inside the machine, and tells the engine to carry out an
 * effect in the transition's own transaction (a row written, a follow-up event). `P` is what the
 * action's params carry.
 */
export function marker<P = undefined>(): ((args: unknown, params: P) => void) & { readonly [MARKER]: true } {
  return Object.assign((_args: unknown, _params: P) => {}, { [MARKER]: true as const });
}

export const isMarker = (action: unknown): boolean => typeof action === 'function' && (action as { [MARKER]?: true })[MARKER] === true;
