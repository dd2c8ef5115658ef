import { App, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError, Schemas, api, ok } from '../api';
import { DownloadButton, PeriodBox, usePeriod } from '../figures';
import { useT } from '../i18n';

type RoundType = Schemas['RoundDto']['types'][number];
/** GET /reports/coverage's JSON (the schema leaves the answer untyped: it may be a spreadsheet). */
interface Row {
  departmentId: string;
  departmentName: string;
  roundType: RoundType;
  planned: number;
  held: number;
  cancelled: number;
  lastVisit: string | null;
}
interface CoverageReport {
  items: Row[];
  notVisited: { roundType: RoundType; departments: { departmentId: string; departmentName: string }[] }[];
}

/** Coverage (查房覆盖) of a month: rounds planned, held and cancelled by department and type, and who was not visited. */
export default function Coverage() {
  const { t, label } = useT();
  const { message } = App.useApp();
  const period = usePeriod();
  const [year, month] = period.month.split('-');
  const [coverage, setCoverage] = useState<CoverageReport | null>(null);
  useEffect(() => {
    setCoverage(null);
    ok(api.GET('/reports/coverage', { params: { query: { year, month } } })).then((answer) => setCoverage(answer as unknown as CoverageReport), (error: ApiError) => message.error(t('loadFailed', { reason: error.message ?? '' })));
  }, [period.month]);
  return (
    <>
      <Typography.Title level={2}>{t('coverage')}</Typography.Title>
      <Space style={{ marginBottom: 16 }}>
        <PeriodBox pattern="month" label={t('monthAsText')} value={period.month} onChange={(value) => period.set({ month: value })} />
        <DownloadButton path="/reports/coverage" query={{ year, month, format: 'xlsx' }} name={`coverage-${period.month}.xlsx`}>
          {t('downloadXlsx')}
        </DownloadButton>
      </Space>
      <Table<Row>
        rowKey={(row) => `${row.departmentId}-${row.roundType}`}
        loading={coverage === null}
        dataSource={coverage?.items}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          { title: t('department'), dataIndex: 'departmentName' },
          { title: t('roundTypes'), dataIndex: 'roundType', render: (type: Row['roundType']) => label('roundType', type) },
          { title: t('planned'), dataIndex: 'planned' },
          { title: t('held'), dataIndex: 'held' },
          { title: t('cancelled'), dataIndex: 'cancelled' },
          { title: t('lastVisit'), dataIndex: 'lastVisit', render: (day: string | null) => day ?? '—' },
        ]}
      />
      {coverage?.notVisited.map((group) => (
        <Typography.Paragraph key={group.roundType}>
          {t('notVisited', { type: label('roundType', group.roundType) })}{' '}
          {group.departments.length === 0 ? t('none') : group.departments.map((department) => <Tag key={department.departmentId}>{department.departmentName}</Tag>)}
        </Typography.Paragraph>
      ))}
    </>
  );
}
