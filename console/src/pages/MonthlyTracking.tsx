import { App, Button, Space, Table, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError, Schemas, api, currentUser, ok } from '../api';
import { DownloadButton, PeriodBox, usePeriod } from '../figures';
import { openPrintable } from '../files';
import { useT } from '../i18n';
import { firstReason } from '../refusal';
import { dateTime } from '../time';

type Row = Schemas['DepartmentAssessmentDto'];
/** GET /reports/monthly's JSON (the schema leaves the answer untyped: it may be a spreadsheet). */
type MonthlyReport = Schemas['AssessmentReportDto'];

/** Monthly tracking (整改月度跟踪), the month's and the year's notice as printable pages, and publishing a month. */
export default function MonthlyTracking() {
  const { t, lang } = useT();
  const { message, modal } = App.useApp();
  const period = usePeriod();
  const year = period.month.slice(0, 4);
  const [report, setReport] = useState<MonthlyReport | null>(null);
  const [publisher, setPublisher] = useState(false);
  const failed = (error: ApiError) => message.error(t('loadFailed', { reason: error.message ?? '' }));
  const load = () => {
    setReport(null);
    ok(api.GET('/reports/monthly', { params: { query: { month: period.month } } })).then((answer) => setReport(answer as unknown as MonthlyReport), failed);
  };
  useEffect(load, [period.month]);
  useEffect(() => void currentUser().then((me) => setPublisher(me.roles.some((role) => role === 'discipline_office' || role === 'admin')), failed), []);
  const open = (query: Record<string, string>) => openPrintable('/reports/notice', { ...query, lang }).catch(failed);
  const publish = () =>
    modal.confirm({
      title: t('publishMonth'),
      content: t('publishConfirm', { month: period.month }),
      okText: t('publishMonth'),
      cancelText: t('cancel'),
      onOk: () =>
        ok(api.POST('/reports/notice/publish', { body: { month: period.month } })).then(load, (error: ApiError) =>
          message.error(t('saveFailed', { reason: firstReason(error) })),
        ),
    });
  return (
    <>
      <Typography.Title level={2}>{t('monthlyTracking')}</Typography.Title>
      <Space wrap style={{ marginBottom: 16 }}>
        <PeriodBox pattern="month" label={t('monthAsText')} value={period.month} onChange={(value) => period.set({ month: value })} />
        <DownloadButton path="/reports/monthly" query={{ month: period.month, format: 'xlsx' }} name={`monthly-${period.month}.xlsx`}>
          {t('downloadXlsx')}
        </DownloadButton>
        <Button onClick={() => open({ month: period.month })}>{t('monthNotice')}</Button>
        <Button onClick={() => open({ year })}>{t('yearNotice', { year })}</Button>
        {publisher && (
          <Button type="primary" disabled={!!report?.publishedAt} onClick={publish}>
            {t('publishMonth')}
          </Button>
        )}
      </Space>
      {report?.publishedAt && <Typography.Paragraph>{t('publishedOn', { at: dateTime(report.publishedAt) })}</Typography.Paragraph>}
      <Table<Row>
        rowKey="departmentId"
        loading={report === null}
        dataSource={report?.items}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: true }}
        columns={[
          { title: t('department'), dataIndex: 'departmentName' },
          { title: t('roundsHeld'), dataIndex: 'roundsHeld' },
          { title: t('averageScore'), dataIndex: 'averageScore', render: (score: number | null) => score ?? '—' },
          { title: t('found'), dataIndex: 'found' },
          { title: t('closedOnTime'), dataIndex: 'closedOnTime' },
          { title: t('closedLate'), dataIndex: 'closedLate' },
          { title: t('overdueAtMonthEndShort'), dataIndex: 'overdueAtMonthEnd' },
          { title: t('relapses'), dataIndex: 'relapses' },
          { title: t('assessmentScore'), dataIndex: 'assessment', render: (score: number | null) => score ?? '—' },
        ]}
      />
    </>
  );
}
