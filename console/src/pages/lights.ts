/** Colours of the supervision lights (督办灯), dark enough for AA contrast with white text. */
export const LIGHT_COLOURS: Record<string, string> = { green: '#237804', yellow: '#ad6800', red: '#a8071a' };
