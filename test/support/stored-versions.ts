import type { TestApp } from './test-app';

/**
 * Rewrites a finding's row as version 4 of the machine stored it and the migration to version 5
 * left it: the snapshot without the fields version 5 added (its lead as a round lead's id, no
 * receipt region), the receipt column at the migration's default.
 */
export async function storeAsVersion4(t: TestApp, findingId: string): Promise<void> {
  const [select, selectParameters] = t.dataSource.driver.escapeQueryWithParameters(`SELECT "snapshot" FROM "findings" WHERE "id" = :findingId`, { findingId });
  const [row] = await t.dataSource.query(select, selectParameters);
  const stored = typeof row.snapshot === 'string' ? JSON.parse(row.snapshot) : row.snapshot;
  const { source: _source, lead, responsiblePersonId: _person, receiptDays: _days, followUpDays: _followUpDays, committedDue: _due, receiptDue: _receiptDue, acknowledgedAt: _acknowledged, receiptEscalationLevel: _level, followUp: _followUp, relapses: _relapses, ...context } = stored.context;
  const { receipt: _receipt, ...value } = stored.value;
  const v4 = JSON.stringify({ value, context: { ...context, roundLeadId: lead.userId } });
  const [sql, parameters] = t.dataSource.driver.escapeQueryWithParameters(`UPDATE "findings" SET "workflowVersion" = 4, "snapshot" = :v4, "receipt" = 'acknowledged' WHERE "id" = :findingId`, { v4, findingId });
  await t.dataSource.query(sql, parameters);
}
