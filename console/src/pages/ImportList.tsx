import { Alert, App, Button, Descriptions, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError, Schemas, authFetch } from '../api';
import { download } from '../files';
import { useT } from '../i18n';
import { PageHeading } from '../page-heading';

type Report = Schemas['FindingImportDto'];
type Problem = Schemas['ImportProblemDto'];

/** One row of the list as the service's report gives it. */
interface ReportRow {
  row: number;
  title: string | null;
  externalRef: string | null;
  outcome: 'problem' | 'present' | 'ready' | 'created';
  problems: Problem[];
  findingId: string | null;
}

/** Every row of the list, by its number in the spreadsheet, with what the run found or did with it. */
function reportRows(report: Report): ReportRow[] {
  const created = new Map(report.findings.map(({ row, findingId }) => [row, findingId]));
  const present = new Set(report.present.map(({ row }) => row));
  return report.listed.map(({ row, title, externalRef }) => {
    const problems = report.problems.filter((problem) => problem.row === row);
    const outcome = problems.length > 0 ? 'problem' : present.has(row) ? 'present' : created.has(row) ? 'created' : 'ready';
    return { row, title, externalRef, outcome, problems, findingId: created.get(row) ?? null };
  });
}

/**
 * Imports a problem list (POST /findings/import): the template, the file chosen, a dry run whose report
 * lists row by row what is wrong, then the same file imported for real, all rows or none. A refused
 * file (415, 413, 400) says the service's reason; the chosen file stays for another try.
 */
export default function ImportList() {
  const { t, label } = useT();
  const { message } = App.useApp();
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [refusal, setRefusal] = useState<{ message: string; problems: Problem[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const [onlyProblems, setOnlyProblems] = useState(false);

  const send = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(true);
    setRefusal(null);
    try {
      const body = new FormData();
      body.append('file', file, file.name);
      const response = await authFetch(new Request(`${location.origin}/findings/import?dryRun=${dryRun}`, { method: 'POST', body }));
      const answer = (await response.json().catch(() => ({}))) as Report & ApiError;
      if (!response.ok) {
        // A real run refused for its rows answers them as details, in the report's shape; a refused file, a reason.
        const problems = Array.isArray(answer.details) && answer.details.every((detail) => 'row' in detail) ? (answer.details as unknown as Problem[]) : [];
        setRefusal({ message: answer.message ?? String(response.status), problems });
        if (problems.length > 0) setReport({ ...(report as Report), dryRun: true, problems });
        return;
      }
      setReport(answer);
    } catch (caught) {
      setRefusal({ message: (caught as Error).message, problems: [] });
    } finally {
      setBusy(false);
    }
  };
  const template = () => download('/findings/import/template', {}, 'template.xlsx').catch((error: ApiError) => message.error(t('loadFailed', { reason: error.message ?? String(error.statusCode ?? '') })));
  const choose = (chosen: File | null) => {
    setFile(chosen);
    setReport(null);
    setRefusal(null);
  };
  const imported = report !== null && !report.dryRun;
  const checkedClean = report !== null && report.dryRun && report.problems.length === 0 && refusal === null;
  const outcomes: Record<ReportRow['outcome'], { colour: string; word: 'rowProblem' | 'rowPresent' | 'rowReady' | 'rowCreated' }> = {
    // Solid colours dark enough for AA contrast with their white text.
    problem: { colour: '#cf1322', word: 'rowProblem' },
    present: { colour: '#595959', word: 'rowPresent' },
    ready: { colour: '#0958d9', word: 'rowReady' },
    created: { colour: '#237804', word: 'rowCreated' },
  };

  return (
    <>
      <PageHeading title={t('importList')}>
        <Space>
          <Link to="/findings">{t('back')}</Link>
          <Button onClick={() => void template()}>{t('downloadTemplate')}</Button>
        </Space>
      </PageHeading>
      <Typography.Paragraph type="secondary">{t('importHow')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }}>
        <label>
          {t('listFile')}{' '}
          <input type="file" id="listFile" accept=".xlsx,.csv,.txt" onChange={(event) => choose(event.target.files?.[0] ?? null)} />
        </label>
        <Button onClick={() => void send(true)} disabled={!file || busy} loading={busy && !imported}>
          {t('dryRun')}
        </Button>
        <Button type="primary" onClick={() => void send(false)} disabled={!checkedClean || busy}>
          {t('importForReal')}
        </Button>
      </Space>
      {refusal && (
        <Alert type="error" role="alert" className="import-refusal" message={refusal.problems.length > 0 ? t('notImported') : t('fileRefused')} description={refusal.message} style={{ marginBottom: 16 }} />
      )}
      {report && (
        <section aria-label={t('importReport')} className="import-report">
          <Typography.Title level={3}>{imported ? t('importDone') : t('dryRunReport')}</Typography.Title>
          <Descriptions bordered size="small" column={4} style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('listFile')}>{report.fileName}</Descriptions.Item>
            <Descriptions.Item label={t('rows')}>{report.rows}</Descriptions.Item>
            <Descriptions.Item label={imported ? t('createdCount') : t('readyCount')}>{report.created}</Descriptions.Item>
            <Descriptions.Item label={t('unchangedCount')}>{report.alreadyPresent}</Descriptions.Item>
          </Descriptions>
          {imported && (
            <Alert
              type="success"
              role="status"
              showIcon
              message={t('importedSummary', { created: report.created, unchanged: report.alreadyPresent })}
              action={
                // A list may hold rows of several sources: the problem list of each.
                <Space direction="vertical" size={0}>
                  {[...new Set(report.findings.map((finding) => finding.source))].map((source) => (
                    <Link key={source} to={`/findings?source=${source}`}>
                      {t('openListOf', { source: label('source', source) })}
                    </Link>
                  ))}
                </Space>
              }
              style={{ marginBottom: 16 }}
            />
          )}
          {report.dryRun && report.problems.length === 0 && <Alert type="info" role="status" message={t('dryRunClean', { n: report.created })} style={{ marginBottom: 16 }} />}
          {report.problems.length > 0 && (
            <label style={{ display: 'inline-block', marginBottom: 8 }}>
              <Space>
                <Switch checked={onlyProblems} onChange={setOnlyProblems} />
                {t('onlyRowProblems')}
              </Space>
            </label>
          )}
          <Table<ReportRow>
            rowKey="row"
            size="small"
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            dataSource={reportRows(report).filter((row) => !onlyProblems || report.problems.length === 0 || row.outcome === 'problem')}
            columns={[
              { title: t('rowNumber'), dataIndex: 'row', width: 80 },
              { title: t('title'), dataIndex: 'title', render: (title: string | null) => title ?? '—' },
              { title: t('externalRef'), dataIndex: 'externalRef', render: (ref: string | null) => ref ?? '—' },
              { title: t('outcome'), dataIndex: 'outcome', render: (outcome: ReportRow['outcome']) => <Tag color={outcomes[outcome].colour}>{t(outcomes[outcome].word)}</Tag> },
              {
                title: t('rowProblems'),
                dataIndex: 'problems',
                render: (problems: Problem[], row) =>
                  row.findingId ? (
                    <Link to={`/findings/${row.findingId}`}>{t('openFinding')}</Link>
                  ) : (
                    problems.map((problem) => (
                      <div key={problem.column + problem.reason} className="row-problem">
                        <Typography.Text code>{problem.column || '—'}</Typography.Text> {problem.reason}
                      </div>
                    ))
                  ),
              },
            ]}
          />
        </section>
      )}
    </>
  );
}
