import type { EntityManager } from 'typeorm';

const caches = new WeakMap<object, Map<string, Promise<unknown>>>();

/**
 * `load()` once per unit of work and key: what a transaction reads again and again (who is in a
 * department, which webhooks are on) cannot change under it, and a scheduler batch touches
 * hundreds of findings in one.
 */
export function oncePerTransaction<T>(manager: EntityManager, key: string, load: () => Promise<T>): Promise<T> {
  // Database.write gives each unit of work its own data object; outside one, nothing is kept.
  const owner = manager.queryRunner?.isTransactionActive ? (manager.queryRunner.data as object) : undefined;
  if (!owner) return load();
  let cache = caches.get(owner);
  if (!cache) caches.set(owner, (cache = new Map()));
  let value = cache.get(key) as Promise<T> | undefined;
  if (!value) cache.set(key, (value = load()));
  return value;
}
