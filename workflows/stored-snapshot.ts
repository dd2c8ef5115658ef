/** What is stored for a subject: enough to restore it with `machine.resolveState`. */
export interface StoredSnapshot {
  value: unknown;
  context: unknown;
}
