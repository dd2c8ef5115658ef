import { InitialSchema1732300000000 } from './1732300000000-initial-schema';

/** Every migration, in order. Listed here so the same list serves the service, the CLI and tests. */
export const MIGRATIONS = [InitialSchema1732300000000];
